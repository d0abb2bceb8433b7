import type { VoluntreeApi } from '@contract';
import type { Bridge } from './bridge';
import { createHttpBridge } from './http-bridge';
import { createIpcBridge } from './ipc-bridge';
import { takeToken } from './token';

export type { Bridge, ConnectionState } from './bridge';
export { ApiError, toApiError } from './api-error';

declare global {
  interface Window {
    /** Set by Electron's preload; absent in a browser. */
    voluntree?: VoluntreeApi;
  }
}

/**
 * The renderer's only way to the engine. In Electron the preload's `window.voluntree` is used;
 * in a browser the same contract goes over HTTP + WebSocket to the page's own origin.
 * Returns null when a browser page has no token (the app then says how to get one).
 */
export function createBridge(win: Window = window): Bridge | null {
  if (win.voluntree) return createIpcBridge(win.voluntree);
  const token = takeToken({ location: win.location, history: win.history, storage: win.sessionStorage });
  if (!token) return null;
  return createHttpBridge({ baseUrl: win.location.origin, token });
}
