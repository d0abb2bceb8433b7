// The only bridge between the page and the main process. It runs sandboxed (CommonJS, no Node)
// and may require nothing but `electron`. The contract's names arrive as process arguments
// from the main process, so this file stays free of the contract's runtime code (zod).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ARG_EVENTS, ARG_REQUESTS, IPC, type InvokeReply } from './channels';

const namesFrom = (prefix: string): ReadonlySet<string> =>
  new Set((process.argv.find((a) => a.startsWith(prefix)) ?? prefix).slice(prefix.length).split(',').filter(Boolean));
const requestNames = namesFrom(ARG_REQUESTS);
const eventNames = namesFrom(ARG_EVENTS);
const listeners = new Map<string, Set<(payload: unknown) => void>>();

// Rejections are plain objects: Electron rebuilds an Error crossing the bridge from its message alone.
const rpcError = (code: string, message: string) => ({ name: 'RpcError', code, message });

ipcRenderer.on(IPC.live, (_e: IpcRendererEvent, msg: { event: string; payload: unknown }) => {
  for (const cb of listeners.get(msg.event) ?? []) {
    try {
      cb(msg.payload);
    } catch (err) {
      console.error(`voluntree: a "${msg.event}" listener failed`, err);
    }
  }
});

contextBridge.exposeInMainWorld('voluntree', {
  async invoke(name: string, args: unknown): Promise<unknown> {
    if (!requestNames.has(name)) throw rpcError('unknown_method', `"${String(name)}" is not a Voluntree request.`);
    const reply = (await ipcRenderer.invoke(IPC.invoke, name, args ?? {})) as InvokeReply;
    if (reply.ok) return reply.result;
    throw rpcError(reply.error.code, reply.error.message);
  },
  on(event: string, cb: (payload: unknown) => void): () => void {
    if (!eventNames.has(event) || typeof cb !== 'function') throw new Error(`Cannot listen to "${String(event)}": not a Voluntree live event.`);
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set.add(cb));
    return () => void set.delete(cb);
  },
});
