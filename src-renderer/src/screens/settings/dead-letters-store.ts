import type { VoluntreeApi } from '@contract';
import type { DeadLetter } from '@contract/dead-letters';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type ApiError } from '../../bridge';

export interface DeadLettersState {
  entries: DeadLetter[];
  total: number;
  loaded: boolean;
  loadError: string | null;
  actionError: ApiError | null;
  /** Ids waiting for the engine's answer to a retry or discard. */
  busy: ReadonlySet<string>;
  /** What the last action did, in words ("2 put back to be processed again."). */
  outcome: string | null;
  load(): Promise<void>;
  retry(ids: readonly string[]): Promise<void>;
  discard(ids: readonly string[]): Promise<void>;
}

/** How many entries the section shows; the total says when there are more. */
export const DEAD_LETTERS_SHOWN = 50;

/**
 * Settings → Model → "Not processed": the comments and messages no stage could process, with
 * Retry (back on the stream they came from) and Discard. Reloaded after every action.
 */
export function createDeadLettersStore(api: VoluntreeApi): StoreApi<DeadLettersState> {
  return createStore<DeadLettersState>()((set, get) => {
    const act = async (ids: readonly string[], fn: () => Promise<string>): Promise<void> => {
      set({ busy: new Set([...get().busy, ...ids]), actionError: null, outcome: null });
      try {
        set({ outcome: await fn() });
      } catch (err) {
        set({ actionError: toApiError(err) });
      } finally {
        const busy = new Set(get().busy);
        for (const id of ids) busy.delete(id);
        set({ busy });
      }
      await get().load();
    };
    return {
      entries: [],
      total: 0,
      loaded: false,
      loadError: null,
      actionError: null,
      busy: new Set(),
      outcome: null,
      async load() {
        try {
          const page = await api.invoke('deadLetters.list', { limit: DEAD_LETTERS_SHOWN });
          set({ entries: page.entries, total: page.total, loaded: true, loadError: null });
        } catch (err) {
          set({ loadError: toApiError(err).message });
        }
      },
      async retry(ids) {
        await act(ids, async () => {
          const r = await api.invoke('deadLetters.retry', { ids: [...ids] });
          const back = `${r.retried} put back to be processed again.`;
          return r.skipped > 0 ? `${back} ${r.skipped} could not be put back (already handled, or nothing to retry).` : back;
        });
      },
      async discard(ids) {
        await act(ids, async () => {
          const r = await api.invoke('deadLetters.discard', { ids: [...ids] });
          return `${r.discarded} discarded.`;
        });
      },
    };
  });
}
