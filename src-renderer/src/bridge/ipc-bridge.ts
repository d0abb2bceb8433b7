import type { VoluntreeApi } from '@contract';
import { toApiError } from './api-error';
import { connectionCell, type Bridge } from './bridge';

/**
 * Electron: the preload exposes `window.voluntree = { invoke, on }`. IPC cannot drop like a
 * socket, so the connection is always open; errors are normalised like the HTTP ones.
 */
export function createIpcBridge(exposed: VoluntreeApi): Bridge {
  const api: VoluntreeApi = {
    async invoke(name, args) {
      try {
        return await exposed.invoke(name, args);
      } catch (err) {
        throw toApiError(err);
      }
    },
    on: (event, cb) => exposed.on(event, cb),
  };
  const cell = connectionCell('open');
  return { api, connection: { get: cell.get, subscribe: cell.subscribe }, close: () => undefined };
}
