import type { VoluntreeApi } from '@contract';
import type { ModelInfo, ModelRetrainState, ModelTrainingProgress } from '@contract/model';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type ApiError } from '../../bridge';

export interface ModelState {
  info: ModelInfo | null;
  retrain: ModelRetrainState | null;
  loadError: string | null;
  /** The last action's error (retrain, promote, discard), shown beside its buttons. */
  actionError: ApiError | null;
  /** Which action is waiting for the engine's answer. */
  pending: 'retrain' | 'promote' | 'discard' | null;
  load(): Promise<void>;
  retrainNow(): Promise<void>;
  /** `force` confirms a model that scores lower than the one in use. */
  promote(force: boolean): Promise<boolean>;
  discard(): Promise<void>;
}

const ENDED: readonly ModelTrainingProgress['phase'][] = ['ready', 'failed', 'cancelled'];

/**
 * Settings → Model: the model in use, the retraining under way (kept current by the live
 * event `model.training`) and the retrained model waiting for the coordinator's decision.
 * `listen()` returns the function that stops listening.
 */
export function createModelStore(api: VoluntreeApi): { store: StoreApi<ModelState>; listen: () => () => void } {
  const store = createStore<ModelState>()((set, get) => {
    const act = async <T>(name: NonNullable<ModelState['pending']>, fn: () => Promise<T>): Promise<T | undefined> => {
      set({ pending: name, actionError: null });
      try {
        return await fn();
      } catch (err) {
        set({ actionError: toApiError(err) });
        return undefined;
      } finally {
        set({ pending: null });
      }
    };
    return {
      info: null,
      retrain: null,
      loadError: null,
      actionError: null,
      pending: null,
      async load() {
        try {
          const [info, retrain] = await Promise.all([api.invoke('model.info', {}), api.invoke('model.candidate', {})]);
          set({ info, retrain, loadError: null });
        } catch (err) {
          set({ loadError: toApiError(err).message });
        }
      },
      async retrainNow() {
        await act('retrain', async () => {
          const training = await api.invoke('model.retrain', {});
          set({ retrain: { training, candidate: get().retrain?.candidate ?? null } });
        });
      },
      async promote(force) {
        const done = await act('promote', async () => {
          await api.invoke('model.promote', force ? { force } : {});
          return true;
        });
        await get().load();
        return done === true;
      },
      async discard() {
        await act('discard', () => api.invoke('model.discard', {}));
        await get().load();
      },
    };
  });
  const listen = () => {
    const stops = [
      api.on('model.training', (training) => {
        const prev = store.getState().retrain;
        store.setState({ retrain: { training, candidate: prev?.candidate ?? null } });
        // The candidate (or the failure) is read back once the training ends.
        if (ENDED.includes(training.phase)) void store.getState().load();
      }),
      api.on('model.changed', () => void store.getState().load()),
    ];
    return () => stops.forEach((s) => s());
  };
  return { store, listen };
}
