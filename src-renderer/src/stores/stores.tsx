import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Bridge } from '../bridge';
import { createSystemStore, type SystemState } from './system-store';

/**
 * One zustand store per domain, all fed by the same bridge (requests + live events).
 * Created once at start and handed down by context, so tests and screens never share globals.
 */
export interface Stores {
  bridge: Bridge;
  system: StoreApi<SystemState>;
}

/** Everything a store reloads after the live link comes back (events may have been missed). */
type Reloader = () => Promise<void>;

export function createStores(bridge: Bridge): Stores {
  const system = createSystemStore(bridge);
  const reloaders: Reloader[] = [() => system.getState().loadHealth(), () => system.getState().loadSettings()];
  let previous = bridge.connection.get();
  bridge.connection.subscribe((state) => {
    if (state === 'open' && previous === 'reconnecting') for (const r of reloaders) void r();
    previous = state;
  });
  for (const r of reloaders) void r();
  return { bridge, system };
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
