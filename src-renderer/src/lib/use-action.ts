import { useCallback, useState } from 'react';
import { toApiError, type ApiError } from '../bridge';

export interface ActionState<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  pending: boolean;
  error: ApiError | null;
  /** Set after a success, until the next run; lets a form say "Saved". */
  done: boolean;
  reset: () => void;
}

/** Runs one user action: tracks pending (to disable the button), its error and success. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): ActionState<A, R> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const run = useCallback(
    async (...args: A) => {
      setPending(true);
      setError(null);
      setDone(false);
      try {
        const result = await fn(...args);
        setDone(true);
        return result;
      } catch (err) {
        setError(toApiError(err));
        return undefined;
      } finally {
        setPending(false);
      }
    },
    [fn],
  );
  const reset = useCallback(() => {
    setError(null);
    setDone(false);
  }, []);
  return { run, pending, error, done, reset };
}
