import type { BroadcastView } from '@contract/broadcasts';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type Bridge } from '../bridge';

export interface BroadcastsState {
  broadcasts: BroadcastView[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  upsert(b: BroadcastView): void;
}

/** Sent updates and their live delivery counts (`broadcast.progress`). */
export function createBroadcastsStore(bridge: Bridge): StoreApi<BroadcastsState> {
  const store = createStore<BroadcastsState>()((set, get) => ({
    broadcasts: [],
    loaded: false,
    error: null,
    async load() {
      try {
        set({ broadcasts: await bridge.api.invoke('broadcasts.list', {}), loaded: true, error: null });
      } catch (err) {
        set({ error: toApiError(err).message, loaded: true });
      }
    },
    upsert(b) {
      const rest = get().broadcasts.filter((x) => x.id !== b.id);
      set({ broadcasts: [b, ...rest].sort((x, y) => y.createdAt.localeCompare(x.createdAt)) });
    },
  }));
  bridge.api.on('broadcast.progress', (p) => {
    const known = store.getState().broadcasts.some((b) => b.id === p.broadcastId);
    if (!known) return void store.getState().load();
    store.setState({
      broadcasts: store.getState().broadcasts.map((b) => (b.id === p.broadcastId ? { ...b, status: p.status, counts: p.counts } : b)),
    });
  });
  return store;
}
