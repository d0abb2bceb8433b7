import type { VoluntreeApi } from '@contract';

/**
 * How the live event stream is doing. `unauthorized` means the page has no valid token
 * (browser mode only); `reconnecting` means live updates are paused until the link returns.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/** What the renderer gets from its one transport module: the contract plus the link's state. */
export interface Bridge {
  api: VoluntreeApi;
  connection: {
    get(): ConnectionState;
    /** Calls `cb` on every change; returns the function that stops it. */
    subscribe(cb: (state: ConnectionState) => void): () => void;
  };
  close(): void;
}

/** A tiny observable for the connection state, shared by both transports. */
export function connectionCell(initial: ConnectionState) {
  let state = initial;
  const listeners = new Set<(s: ConnectionState) => void>();
  return {
    get: () => state,
    set(next: ConnectionState) {
      if (next === state) return;
      state = next;
      for (const l of listeners) l(next);
    },
    subscribe(cb: (s: ConnectionState) => void) {
      listeners.add(cb);
      return () => {
        listeners.delete(cb);
      };
    },
  };
}
