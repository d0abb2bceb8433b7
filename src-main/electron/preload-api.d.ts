import type { RpcErrorCode, VoluntreeApi } from '../contract';

/**
 * What `window.voluntree.invoke` rejects with in the desktop app. A plain object rather than
 * an Error, because Electron rebuilds Error objects that cross the context bridge from their
 * message alone and the code would be lost.
 */
export interface VoluntreeIpcError {
  name: 'RpcError';
  code: RpcErrorCode;
  message: string;
}

declare global {
  interface Window {
    /** Present in the desktop app (exposed by the preload); absent in browser mode. */
    voluntree?: VoluntreeApi;
  }
}
