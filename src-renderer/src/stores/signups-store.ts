import type { EventSignups, SignupEventPayload } from '@contract/events';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError, type Bridge } from '../bridge';

export interface LiveSignup extends SignupEventPayload {
  kind: 'created' | 'cancelled' | 'promoted';
  at: number;
}

export interface SignupsState {
  /** Newest first, as they arrive live (this session). */
  recent: LiveSignup[];
  /** Signups per event, for the events the coordinator has opened. */
  byEvent: Record<string, EventSignups | undefined>;
  errors: Record<string, string | undefined>;
  loadEvent(eventId: string): Promise<void>;
}

const RECENT = 50;

/** Live signups for Today, and each opened event's signups kept current by live events. */
export function createSignupsStore(bridge: Bridge): StoreApi<SignupsState> {
  const store = createStore<SignupsState>()((set, get) => ({
    recent: [],
    byEvent: {},
    errors: {},
    async loadEvent(eventId) {
      try {
        const signups = await bridge.api.invoke('signups.list', { eventId });
        set({ byEvent: { ...get().byEvent, [eventId]: signups }, errors: { ...get().errors, [eventId]: undefined } });
      } catch (err) {
        set({ errors: { ...get().errors, [eventId]: toApiError(err).message } });
      }
    },
  }));
  const refreshIfOpen = (eventId: string) => {
    if (store.getState().byEvent[eventId]) void store.getState().loadEvent(eventId);
  };
  const arrived = (kind: LiveSignup['kind']) => (p: SignupEventPayload) => {
    store.setState({ recent: [{ ...p, kind, at: Date.now() }, ...store.getState().recent].slice(0, RECENT) });
    refreshIfOpen(p.eventId);
  };
  bridge.api.on('signup.created', arrived('created'));
  bridge.api.on('signup.cancelled', arrived('cancelled'));
  bridge.api.on('signup.promoted', arrived('promoted'));
  bridge.api.on('signup.updated', ({ signup }) => refreshIfOpen(signup.eventId));
  bridge.api.on('waitlist.changed', ({ eventId }) => refreshIfOpen(eventId));
  // A person deleted on request leaves Today's live list too.
  bridge.api.on('volunteer.deleted', ({ volunteerId }) => store.setState({ recent: store.getState().recent.filter((s) => s.volunteerId !== volunteerId) }));
  return store;
}
