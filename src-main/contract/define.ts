import type { z } from 'zod';

/**
 * One request of the contract: its arguments' schema (validated where the call enters the
 * engine: IPC, HTTP) and the TypeScript type of its result.
 */
export interface RequestSpec<A extends z.ZodType = z.ZodType, R = unknown> {
  args: A;
  /** Type carrier only; never read at run time. */
  result: R;
  /** One line for the README's method table and error messages. */
  summary: string;
}

/** Declares a request; `R` is the result type. */
export function request<R>() {
  return <A extends z.ZodType>(args: A, summary: string): RequestSpec<A, R> => ({ args, result: undefined as R, summary });
}

/** Declares a live event carrying payload type `P`. */
export function liveEvent<P>(summary: string): { payload: P; summary: string } {
  return { payload: undefined as P, summary };
}
