import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVE_EVENT_NAMES, REQUEST_NAMES, type VoluntreeApi } from '../contract';
import { ARG_EVENTS, ARG_REQUESTS, IPC } from './channels';

const exposed: Record<string, unknown> = {};
const ipc = Object.assign(new EventEmitter(), { invoke: vi.fn<(channel: string, ...args: unknown[]) => Promise<unknown>>() });

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
  ipcRenderer: ipc,
}));

const request = REQUEST_NAMES[0]!;
const event = LIVE_EVENT_NAMES[0]!;
const argv = process.argv;

async function loadPreload(): Promise<VoluntreeApi & Record<string, unknown>> {
  vi.resetModules();
  ipc.removeAllListeners();
  process.argv = [...argv, `${ARG_REQUESTS}${REQUEST_NAMES.join(',')}`, `${ARG_EVENTS}${LIVE_EVENT_NAMES.join(',')}`];
  await import('./preload');
  return exposed.voluntree as VoluntreeApi & Record<string, unknown>;
}

describe('preload bridge', () => {
  beforeEach(() => ipc.invoke.mockReset());
  afterEach(() => {
    process.argv = argv;
  });

  it('exposes exactly invoke and on, never ipcRenderer', async () => {
    const api = await loadPreload();
    expect(Object.keys(exposed)).toEqual(['voluntree']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('invokes contract requests and unwraps the reply', async () => {
    const api = await loadPreload();
    ipc.invoke.mockResolvedValueOnce({ ok: true, result: { n: 1 } });
    await expect(api.invoke(request, {} as never)).resolves.toEqual({ n: 1 });
    expect(ipc.invoke).toHaveBeenCalledWith(IPC.invoke, request, {});
  });

  it('rejects with a plain { name, code, message } so the code survives the bridge', async () => {
    const api = await loadPreload();
    ipc.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'not_found', message: 'No such event.' } });
    await expect(api.invoke(request, {} as never)).rejects.toEqual({ name: 'RpcError', code: 'not_found', message: 'No such event.' });
    await expect(api.invoke('nope.nope' as never, {} as never)).rejects.toMatchObject({ code: 'unknown_method' });
    expect(ipc.invoke).toHaveBeenCalledTimes(1);
  });

  it('delivers live events to their listeners until they unsubscribe', async () => {
    const api = await loadPreload();
    const got: unknown[] = [];
    const off = api.on(event, (p) => void got.push(p));
    ipc.emit(IPC.live, {}, { event, payload: { a: 1 }, at: 1 });
    ipc.emit(IPC.live, {}, { event: 'other.thing', payload: { b: 2 }, at: 2 });
    off();
    ipc.emit(IPC.live, {}, { event, payload: { a: 3 }, at: 3 });
    expect(got).toEqual([{ a: 1 }]);
  });

  it('refuses events outside the contract and keeps going when a listener throws', async () => {
    const api = await loadPreload();
    expect(() => api.on('ipc.anything' as never, () => undefined)).toThrow(/not a Voluntree live event/);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const got: unknown[] = [];
    api.on(event, () => {
      throw new Error('boom');
    });
    api.on(event, (p) => void got.push(p));
    ipc.emit(IPC.live, {}, { event, payload: 1, at: 1 });
    expect(got).toEqual([1]);
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });
});
