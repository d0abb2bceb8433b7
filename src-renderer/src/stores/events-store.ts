import type { EventView } from '@contract/events';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type Bridge } from '../bridge';

export interface EventsState {
  events: EventView[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Puts a fresh copy of one event in the list (after a request or a live update). */
  upsert(event: EventView): void;
  remove(id: string): void;
}

/** Every event with its counts; `event.updated` keeps fill bars and statuses current. */
export function createEventsStore(bridge: Bridge): StoreApi<EventsState> {
  const store = createStore<EventsState>()((set, get) => ({
    events: [],
    loaded: false,
    error: null,
    async load() {
      try {
        set({ events: await bridge.api.invoke('events.list', {}), loaded: true, error: null });
      } catch (err) {
        set({ error: toApiError(err).message, loaded: true });
      }
    },
    upsert(event) {
      const events = get().events;
      const i = events.findIndex((e) => e.id === event.id);
      set({ events: i < 0 ? [event, ...events] : events.map((e) => (e.id === event.id ? event : e)) });
    },
    remove(id) {
      set({ events: get().events.filter((e) => e.id !== id) });
    },
  }));
  bridge.api.on('event.updated', ({ event }) => store.getState().upsert(event));
  return store;
}
