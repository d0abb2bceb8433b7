import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { ApiError } from './api-error';
import type { ConnectionState } from './bridge';
import { createHttpBridge, type SocketLike } from './http-bridge';

const TOKEN = 'test-token';

/** A small engine stand-in speaking the documented HTTP surface, to test the browser transport. */
async function startServer() {
  const calls: { method: string; auth: string | undefined; body: unknown }[] = [];
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const method = decodeURIComponent((req.url ?? '').replace('/api/rpc/', ''));
    calls.push({ method, auth: req.headers.authorization, body: raw ? JSON.parse(raw) : null });
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      return res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'Missing or wrong token.' } }));
    }
    if (method === 'settings.set') {
      res.statusCode = 400;
      return res.end(JSON.stringify({ error: { code: 'bad_arguments', message: 'Graph API version looks like v25.0' } }));
    }
    if (method === 'broken') {
      res.statusCode = 502;
      return res.end('<html>bad gateway</html>');
    }
    res.end(JSON.stringify({ ok: true, method }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '', 'http://x');
    if (url.pathname !== '/api/live' || url.searchParams.get('token') !== TOKEN) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    wss,
    broadcast(msg: unknown) {
      for (const c of wss.clients) c.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    },
    dropClients() {
      for (const c of wss.clients) c.terminate();
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const openSocket = (url: string) => new WebSocket(url) as unknown as SocketLike;

function waitFor(bridge: { connection: { get(): ConnectionState; subscribe(cb: (s: ConnectionState) => void): () => void } }, state: ConnectionState) {
  return new Promise<void>((resolve) => {
    if (bridge.connection.get() === state) return resolve();
    const stop = bridge.connection.subscribe((s) => {
      if (s === state) {
        stop();
        resolve();
      }
    });
  });
}

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setup(token = TOKEN) {
  const server = await startServer();
  const bridge = createHttpBridge({ baseUrl: server.baseUrl, token, openSocket, backoff: { initialMs: 20, maxMs: 100 } });
  cleanups.push(() => server.close(), () => bridge.close());
  return { server, bridge };
}

describe('http bridge', () => {
  it('posts a request with the bearer token and its arguments, and returns the JSON result', async () => {
    const { server, bridge } = await setup();
    const result = await bridge.api.invoke('system.health', {});
    expect(result).toEqual({ ok: true, method: 'system.health' });
    expect(server.calls[0]).toEqual({ method: 'system.health', auth: `Bearer ${TOKEN}`, body: {} });
  });

  it('turns an error body into an ApiError carrying the engine’s code and message', async () => {
    const { bridge } = await setup();
    const err = await bridge.api.invoke('settings.set', { graphVersion: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'bad_arguments', message: 'Graph API version looks like v25.0' });
  });

  it('explains a non-JSON failure instead of showing the raw body', async () => {
    const { bridge } = await setup();
    const err = await bridge.api.invoke('broken' as 'system.health', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'internal' });
    expect((err as Error).message).toMatch(/HTTP 502/);
    expect((err as Error).message).not.toMatch(/html/);
  });

  it('reports a wrong token as unauthorized and stops the live link', async () => {
    const { bridge } = await setup('wrong');
    const err = await bridge.api.invoke('system.health', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthorized' });
    expect(bridge.connection.get()).toBe('unauthorized');
  });

  it('says the engine is not answering when nothing listens', async () => {
    const server = await startServer();
    await server.close();
    const bridge = createHttpBridge({ baseUrl: server.baseUrl, token: TOKEN, openSocket, backoff: { initialMs: 20, maxMs: 100 } });
    cleanups.push(() => bridge.close());
    const err = await bridge.api.invoke('system.health', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network' });
  });

  it('delivers live events to the listeners of that event only, and ignores malformed messages', async () => {
    const { server, bridge } = await setup();
    const notices: unknown[] = [];
    const healths: unknown[] = [];
    bridge.api.on('system.notice', (p) => notices.push(p));
    const stop = bridge.api.on('system.health', (p) => healths.push(p));
    stop();
    await waitFor(bridge, 'open');
    server.broadcast('not json');
    server.broadcast({ nope: 1 });
    server.broadcast({ event: 'system.health', payload: { ok: true }, at: 1 });
    server.broadcast({ event: 'system.notice', payload: { level: 'info', message: 'hi' }, at: 2 });
    await expect.poll(() => notices.length).toBe(1);
    expect(notices[0]).toEqual({ level: 'info', message: 'hi' });
    expect(healths).toEqual([]);
  });

  it('shows reconnecting when the live link drops, then comes back by itself', async () => {
    const { server, bridge } = await setup();
    await waitFor(bridge, 'open');
    const seen: ConnectionState[] = [];
    bridge.connection.subscribe((s) => seen.push(s));
    server.dropClients();
    await waitFor(bridge, 'reconnecting');
    await waitFor(bridge, 'open');
    expect(seen).toEqual(['reconnecting', 'open']);
    const got: unknown[] = [];
    bridge.api.on('system.notice', (p) => got.push(p));
    server.broadcast({ event: 'system.notice', payload: { level: 'warning', message: 'back' }, at: 3 });
    await expect.poll(() => got.length).toBe(1);
  });
});
