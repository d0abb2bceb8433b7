import type { InboxItem } from '@contract/events';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type Bridge } from '../bridge';

export interface InboxState {
  items: InboxItem[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  replace(item: InboxItem): void;
}

/** Open questions; new ones arrive live with `inbox.question`. */
export function createInboxStore(bridge: Bridge): StoreApi<InboxState> {
  const store = createStore<InboxState>()((set, get) => ({
    items: [],
    loaded: false,
    error: null,
    async load() {
      try {
        set({ items: await bridge.api.invoke('inbox.list', { status: 'open' }), loaded: true, error: null });
      } catch (err) {
        set({ error: toApiError(err).message, loaded: true });
      }
    },
    replace(item) {
      const items = get().items.filter((i) => i.id !== item.id);
      set({ items: item.status === 'open' ? [item, ...items] : items });
    },
  }));
  bridge.api.on('inbox.question', ({ item }) => store.getState().replace(item));
  bridge.api.on('volunteer.deleted', ({ volunteerId }) => store.setState({ items: store.getState().items.filter((i) => i.volunteerId !== volunteerId) }));
  return store;
}
