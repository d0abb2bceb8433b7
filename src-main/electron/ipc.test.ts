import { describe, expect, it } from 'vitest';
import { LIVE_EVENT_NAMES, REQUEST_NAMES, RpcError, type LiveMessage, type RequestName } from '../contract';
import { memoryLogger } from '../engine/log';
import { createInvokeHandler, createLiveForwarder } from './ipc';
import { APP_ORIGIN } from './security';

const fromApp = { senderFrame: { url: `${APP_ORIGIN}/index.html` } };
const someRequest = REQUEST_NAMES[0]!;

function handler(call: (name: RequestName, args: unknown) => Promise<unknown>) {
  const log = memoryLogger();
  const calls: Array<[string, unknown, unknown]> = [];
  const invoke = createInvokeHandler({
    engine: { call: (name, args, opts) => (calls.push([name, args, opts]), call(name, args)) },
    origins: [APP_ORIGIN],
    log,
  });
  return { invoke, calls, log };
}

describe('vt:invoke', () => {
  it('passes contract requests from the app to the engine, marked as IPC', async () => {
    const { invoke, calls } = handler(async () => ({ fine: true }));
    expect(await invoke(fromApp, someRequest, { a: 1 })).toEqual({ ok: true, result: { fine: true } });
    expect(await invoke(fromApp, someRequest, undefined)).toEqual({ ok: true, result: { fine: true } });
    expect(calls).toEqual([
      [someRequest, { a: 1 }, { via: 'ipc' }],
      [someRequest, {}, { via: 'ipc' }],
    ]);
  });

  it('refuses callers that are not the app, before reaching the engine', async () => {
    const { invoke, calls, log } = handler(async () => 'never');
    for (const sender of [{ senderFrame: { url: 'https://evil.example/x' } }, { senderFrame: null }, { senderFrame: { url: 'file:///tmp/a.html' } }]) {
      expect(await invoke(sender, someRequest, {})).toEqual({ ok: false, error: { code: 'unauthorized', message: expect.any(String) } });
    }
    expect(calls).toEqual([]);
    expect(log.lines.some((l) => l.includes('https://evil.example') && !l.includes('/x'))).toBe(true);
  });

  it('refuses names that are not contract requests', async () => {
    const { invoke, calls } = handler(async () => 'never');
    for (const name of ['toString', '__proto__', 'constructor', 'system.nope', 42, null]) {
      const reply = await invoke(fromApp, name, {});
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
    expect(calls).toEqual([]);
  });

  it('carries RpcError codes and messages, and hides other failures behind a plain message', async () => {
    const rpc = handler(async () => {
      throw new RpcError('bad_arguments', 'The slot needs a capacity of at least 1.');
    });
    expect(await rpc.invoke(fromApp, someRequest, {})).toEqual({ ok: false, error: { code: 'bad_arguments', message: 'The slot needs a capacity of at least 1.' } });

    const crash = handler(async () => {
      throw new Error('ECONNREFUSED 127.0.0.1:6379 password=hunter22');
    });
    const reply = await crash.invoke(fromApp, someRequest, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(reply)).not.toContain('hunter22');
    expect(crash.log.lines.join('\n')).toContain('request failed');
    expect(crash.log.lines.join('\n')).not.toContain('hunter22');
  });
});

describe('vt:live', () => {
  it('forwards contract events only', () => {
    const sent: LiveMessage[] = [];
    const forward = createLiveForwarder((m) => void sent.push(m));
    const good = { event: LIVE_EVENT_NAMES[0]!, payload: {}, at: 1 } as LiveMessage;
    forward(good);
    forward({ event: 'internal.secret', payload: { token: 'x' }, at: 2 } as unknown as LiveMessage);
    forward(null as unknown as LiveMessage);
    expect(sent).toEqual([good]);
  });
});
