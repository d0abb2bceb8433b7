import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Bridge } from '../bridge';
import { createBroadcastsStore, type BroadcastsState } from './broadcasts-store';
import { createEventsStore, type EventsState } from './events-store';
import { createInboxStore, type InboxState } from './inbox-store';
import { createReviewStore, type ReviewState } from './review-store';
import { createSignupsStore, type SignupsState } from './signups-store';
import { createSystemStore, type SystemState } from './system-store';
import { createVolunteersStore, type VolunteersState } from './volunteers-store';

/**
 * One zustand store per domain, all fed by the same bridge (requests + live events).
 * Created once at start and handed down by context, so tests and screens never share globals.
 * (The metrics screen and the activity feed keep their own stores beside them.)
 */
export interface Stores {
  bridge: Bridge;
  system: StoreApi<SystemState>;
  events: StoreApi<EventsState>;
  signups: StoreApi<SignupsState>;
  inbox: StoreApi<InboxState>;
  volunteers: StoreApi<VolunteersState>;
  broadcasts: StoreApi<BroadcastsState>;
  review: StoreApi<ReviewState>;
}

export function createStores(bridge: Bridge): Stores {
  const stores: Stores = {
    bridge,
    system: createSystemStore(bridge),
    events: createEventsStore(bridge),
    signups: createSignupsStore(bridge),
    inbox: createInboxStore(bridge),
    volunteers: createVolunteersStore(bridge),
    broadcasts: createBroadcastsStore(bridge),
    review: createReviewStore(bridge),
  };
  // What each store reloads at start and after the live link comes back (events may have been missed).
  const reload = () => {
    void stores.system.getState().loadHealth();
    void stores.system.getState().loadSettings();
    void stores.events.getState().load();
    void stores.inbox.getState().load();
    void stores.broadcasts.getState().load();
    void stores.review.getState().load();
    for (const id of Object.keys(stores.signups.getState().byEvent)) void stores.signups.getState().loadEvent(id);
    if (stores.volunteers.getState().loaded) void stores.volunteers.getState().search();
  };
  let previous = bridge.connection.get();
  bridge.connection.subscribe((state) => {
    if (state === 'open' && previous === 'reconnecting') reload();
    previous = state;
  });
  reload();
  return stores;
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider(props: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={props.stores}>{props.children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside StoresProvider');
  return stores;
}

export function useSystem<T>(selector: (s: SystemState) => T): T {
  return useStore(useStores().system, selector);
}
export function useEvents<T>(selector: (s: EventsState) => T): T {
  return useStore(useStores().events, selector);
}
export function useSignups<T>(selector: (s: SignupsState) => T): T {
  return useStore(useStores().signups, selector);
}
export function useInbox<T>(selector: (s: InboxState) => T): T {
  return useStore(useStores().inbox, selector);
}
export function useVolunteers<T>(selector: (s: VolunteersState) => T): T {
  return useStore(useStores().volunteers, selector);
}
export function useBroadcasts<T>(selector: (s: BroadcastsState) => T): T {
  return useStore(useStores().broadcasts, selector);
}
export function useReview<T>(selector: (s: ReviewState) => T): T {
  return useStore(useStores().review, selector);
}
