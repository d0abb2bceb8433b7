import { isLiveEventName, isRequestName, RpcError, type LiveMessage, type RequestName } from '../contract';
import type { Logger } from '../engine/log';
import type { InvokeReply } from './channels';
import { isAppUrl } from './security';

/** The one engine call the window needs. */
export interface InvokeTarget {
  call(name: RequestName, args: unknown, opts: { via: 'ipc' }): Promise<unknown>;
}

/** What Electron tells us about the caller (a subset of IpcMainInvokeEvent). */
export interface InvokeSender {
  senderFrame: { url: string } | null;
}

/**
 * The `vt:invoke` handler: accepts calls only from the app's own pages and only for the
 * contract's request names, then hands them to the engine (which validates the arguments).
 * Never rejects: the reply carries the error's code and coordinator-facing message, because
 * Electron strips everything but the message from errors it carries.
 */
export function createInvokeHandler(opts: { engine: InvokeTarget; origins: readonly string[]; log: Logger }) {
  return async (event: InvokeSender, name: unknown, args: unknown): Promise<InvokeReply> => {
    const url = event.senderFrame?.url ?? '';
    if (!isAppUrl(url, opts.origins)) {
      opts.log.warn('refused an IPC call from a page that is not the app', { origin: url.split('/').slice(0, 3).join('/') });
      return { ok: false, error: { code: 'unauthorized', message: 'This page may not talk to Voluntree.' } };
    }
    if (typeof name !== 'string' || !isRequestName(name)) {
      return { ok: false, error: { code: 'unknown_method', message: `"${String(name)}" is not a Voluntree request.` } };
    }
    try {
      return { ok: true, result: await opts.engine.call(name, args ?? {}, { via: 'ipc' }) };
    } catch (err) {
      if (err instanceof RpcError) return { ok: false, error: { code: err.code, message: err.message } };
      opts.log.error('request failed', { method: name, err });
      return { ok: false, error: { code: 'internal', message: `Voluntree could not finish "${name}". The details are in the log; try again.` } };
    }
  };
}

/** Passes live events of the contract to `send` (the window), dropping anything else. */
export function createLiveForwarder(send: (msg: LiveMessage) => void): (msg: LiveMessage) => void {
  return (msg) => {
    if (msg && typeof msg.event === 'string' && isLiveEventName(msg.event)) send(msg);
  };
}
