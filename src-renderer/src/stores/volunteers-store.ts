import type { VolunteerFilter, VolunteerView } from '@contract/volunteers';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type Bridge } from '../bridge';

export interface VolunteersState {
  query: string;
  filter: VolunteerFilter;
  tag: string;
  items: VolunteerView[];
  total: number;
  loaded: boolean;
  error: string | null;
  search(next?: Partial<Pick<VolunteersState, 'query' | 'filter' | 'tag'>>): Promise<void>;
}

/** The roster as searched and filtered on the Volunteers screen. */
export function createVolunteersStore(bridge: Bridge): StoreApi<VolunteersState> {
  let seq = 0;
  const store = createStore<VolunteersState>()((set, get) => ({
    query: '',
    filter: 'all',
    tag: '',
    items: [],
    total: 0,
    loaded: false,
    error: null,
    async search(next = {}) {
      set(next);
      const { query, filter, tag } = get();
      if (filter === 'tag' && !tag.trim()) return set({ items: [], total: 0, loaded: true, error: null });
      const mine = ++seq;
      try {
        const res = await bridge.api.invoke('volunteers.search', { query, filter, ...(filter === 'tag' ? { tag: tag.trim() } : {}), limit: 200 });
        if (mine === seq) set({ items: res.items, total: res.total, loaded: true, error: null });
      } catch (err) {
        if (mine === seq) set({ error: toApiError(err).message, loaded: true });
      }
    },
  }));
  let timer: ReturnType<typeof setTimeout> | null = null;
  const refresh = () => {
    if (timer || !store.getState().loaded) return;
    timer = setTimeout(() => {
      timer = null;
      void store.getState().search();
    }, 500);
  };
  bridge.api.on('volunteer.updated', refresh);
  bridge.api.on('volunteer.deleted', ({ volunteerId }) => {
    // Gone from the list at once (another window may have deleted them), then re-read.
    const { items, total } = store.getState();
    if (items.some((v) => v.id === volunteerId)) store.setState({ items: items.filter((v) => v.id !== volunteerId), total: Math.max(0, total - 1) });
    refresh();
  });
  return store;
}
