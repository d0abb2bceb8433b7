import type { RequestArgs } from '@contract';
import type { HealthReport, Settings } from '@contract/system';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Bridge, ConnectionState } from '../bridge';
import { toApiError } from '../bridge';

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface SystemState {
  connection: ConnectionState;
  health: HealthReport | null;
  healthError: string | null;
  settings: Settings | null;
  settingsError: string | null;
  notices: Notice[];
  loadHealth(): Promise<void>;
  loadSettings(): Promise<void>;
  /** Saves a change; resolves with the saved settings, rejects with an ApiError to show. */
  saveSettings(patch: RequestArgs<'settings.set'>): Promise<Settings>;
  notify(level: Notice['level'], message: string): void;
  dismissNotice(id: number): void;
}

/** Health, settings, the live link's state and the notices shown as toasts. */
export function createSystemStore(bridge: Bridge): StoreApi<SystemState> {
  const { api } = bridge;
  let nextNotice = 1;
  const store = createStore<SystemState>()((set, get) => ({
    connection: bridge.connection.get(),
    health: null,
    healthError: null,
    settings: null,
    settingsError: null,
    notices: [],
    async loadHealth() {
      try {
        set({ health: await api.invoke('system.health', {}), healthError: null });
      } catch (err) {
        set({ healthError: toApiError(err).message });
      }
    },
    async loadSettings() {
      try {
        set({ settings: await api.invoke('settings.get', {}), settingsError: null });
      } catch (err) {
        set({ settingsError: toApiError(err).message });
      }
    },
    async saveSettings(patch) {
      try {
        const settings = await api.invoke('settings.set', patch);
        set({ settings });
        return settings;
      } catch (err) {
        throw toApiError(err);
      }
    },
    notify(level, message) {
      const id = nextNotice++;
      set({ notices: [...get().notices.slice(-3), { id, level, message }] });
    },
    dismissNotice(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },
  }));
  bridge.connection.subscribe((connection) => store.setState({ connection }));
  api.on('system.health', (health) => store.setState({ health, healthError: null }));
  api.on('system.notice', (n) => store.getState().notify(n.level, n.message));
  return store;
}
