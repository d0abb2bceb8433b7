/**
 * IPC channel names shared by the main process and the preload. Two channels carry the whole
 * contract: requests go through `invoke`, live events arrive on `live`.
 */
export const IPC = {
  invoke: 'vt:invoke',
  live: 'vt:live',
} as const;

/** Prefixes of the arguments that hand the contract's names to the sandboxed preload. */
export const ARG_REQUESTS = '--vt-requests=';
export const ARG_EVENTS = '--vt-events=';

/** What `invoke` resolves to on the IPC wire; the preload unwraps it. */
export type InvokeReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
