import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import type { EngineModule } from '../../src-main/engine/module';
import { signBody, webhookPayload, feedEntry, commentChange } from '../../src-main/simulator/webhook-payloads';
import { rawRequest, type RawResponse } from '../support/raw-http';
import { testRedis, type TestRedis } from '../support/redis';
import { createDemoModule } from '../../src-main/simulator/demo';

const TOKEN = 'access-token-0123456789abcdef';
const BEARER = { authorization: `Bearer ${TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Who may reach what on the local HTTP surface, against the real engine: access follows the
 * route that matched (however its path was spelled), only loopback Host names are answered
 * (except the webhook), and the JSON endpoints take JSON only. The UI keeps working.
 */
describe('local HTTP surface access', () => {
  let t: TestRedis;
  let engine: Engine;
  let dataDir: string;
  let base: string;
  let port: number;
  const log = memoryLogger();

  const extra = (): EngineModule[] => [
    {
      name: 'test-routes',
      registerRoutes(app) {
        // A route whose author forgot to say who may call it: it must fail closed.
        app.get('/forgotten', async () => ({ secret: 'forgotten-route-answered' }));
      },
    },
  ];

  beforeAll(async () => {
    t = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-access-'));
    const ui = path.join(dataDir, 'renderer');
    mkdirSync(path.join(ui, 'assets'), { recursive: true });
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>Voluntree</title><div id="root"></div>');
    writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log("ui");');
    const config = configFromEnv(
      { VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off', REDIS_URL: t.url, FB_GRAPH_URL: 'http://127.0.0.1:9' },
      { rendererDir: ui },
    );
    engine = createEngine({ demo: createDemoModule, config, log, prefix: t.prefix, extraModules: extra });
    await engine.start();
    base = engine.httpUrl!;
    port = Number(new URL(base).port);
    const define = await rawRequest(base, { method: 'POST', path: '/api/rpc/metrics.define', headers: { ...BEARER, ...JSON_TYPE }, body: JSON.stringify({ node: { id: 'C', kind: 'input' } }) });
    expect(define.status, define.body).toBe(200);
  });

  afterAll(async () => {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  const valueOfC = async (): Promise<number | null> => {
    const res = await rawRequest(base, { method: 'POST', path: '/api/rpc/metrics.values', headers: { ...BEARER, ...JSON_TYPE }, body: JSON.stringify({ nodes: ['C'] }) });
    expect(res.status, res.body).toBe(200);
    return (JSON.parse(res.body) as { values: { value: number | null }[] }).values[0]!.value;
  };
  const refused = (res: RawResponse, what: string): void => {
    expect(res.status, `${what} → ${res.status} ${res.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(res.status, what).toBeLessThan(500);
    expect(res.body, what).not.toContain('organisationName');
  };

  describe('without the token, however the path is spelled', () => {
    const rpcPaths = [
      '/api/rpc/settings.get',
      '/%61pi/rpc/settings.get',
      '/%41PI/rpc/settings.get',
      '/API/rpc/settings.get',
      '/Api/rpc/settings.get',
      '//api/rpc/settings.get',
      '/api//rpc/settings.get',
      '/api/../api/rpc/settings.get',
      '/./api/rpc/settings.get',
      '/api/rpc/../rpc/settings.get',
      '/api/rpc/settings.get.',
      '/api/rpc/settings.get..',
      '/api/rpc/settings.get%2e',
      '/api/rpc/%73ettings.get',
      '/%61%70%69/%72%70%63/settings.get',
      '/api%2frpc/settings.get',
      '/%2fapi/rpc/settings.get',
      '/api/rpc/settings.get?token=nope',
      '/api/rpc/settings.get;x',
      '/api/rpc/settings.get%00',
      '/api/rpc/settings.get/',
      '/webhooks/../api/rpc/settings.get',
      '/webhooks/facebook/../../api/rpc/settings.get',
      '/healthz/../api/rpc/settings.get',
    ];
    it.each(rpcPaths)('POST %s is refused', async (p) => {
      const res = await rawRequest(base, { method: 'POST', path: p, headers: JSON_TYPE, body: '{}' });
      refused(res, p);
    });

    it('refuses the absolute-form request line too', async () => {
      refused(await rawRequest(base, { method: 'POST', path: `${base}/%61pi/rpc/settings.get`, headers: JSON_TYPE, body: '{}' }), 'absolute form');
    });

    it('asks for the token on the route that matched, e.g. 401 for /%61pi/rpc/…, and answers it with the token', async () => {
      const without = await rawRequest(base, { method: 'POST', path: '/%61pi/rpc/settings.get', headers: JSON_TYPE, body: '{}' });
      expect(without.status).toBe(401);
      expect(JSON.parse(without.body)).toMatchObject({ error: { code: 'unauthorized' } });
      const withToken = await rawRequest(base, { method: 'POST', path: '/%61pi/rpc/settings.get', headers: { ...JSON_TYPE, ...BEARER }, body: '{}' });
      expect(withToken.status).toBe(200);
      expect(withToken.body).toContain('organisationName');
    });

    it.each(['/api/metrics/input', '/%61pi/metrics/input', '/api/metrics/%69nput', '/API/metrics/input', '//api/metrics/input', '/api/metrics/input.'])(
      'POST %s changes no metric, as JSON or as text/plain',
      async (p) => {
        for (const type of ['application/json', 'text/plain']) refused(await rawRequest(base, { method: 'POST', path: p, headers: { 'content-type': type }, body: '{"C": 5}' }), `${type} ${p}`);
        expect(await valueOfC()).toBeNull();
      },
    );

    it.each(['/api/live', '/%61pi/live', '/api/%6cive', '/api/live?token=wrong', '/api/live?token='])('refuses the WebSocket at %s', async (p) => {
      const res = await rawRequest(base, {
        path: p,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      expect(res.status).toBe(401);
    });

    it('takes the token from the query on the live WebSocket only', async () => {
      const rpc = await rawRequest(base, { method: 'POST', path: `/api/rpc/settings.get?token=${TOKEN}`, headers: JSON_TYPE, body: '{}' });
      expect(rpc.status).toBe(401);
      const input = await rawRequest(base, { method: 'POST', path: `/api/metrics/input?token=${TOKEN}`, headers: JSON_TYPE, body: '{"C": 5}' });
      expect(input.status).toBe(401);
      expect(await valueOfC()).toBeNull();
    });

    it('refuses a route that declares no access rule, with or without the token', async () => {
      for (const headers of [{}, BEARER]) {
        const res = await rawRequest(base, { path: '/forgotten', headers });
        expect(res.status).toBe(401);
        expect(res.body).not.toContain('forgotten-route-answered');
      }
      expect(log.lines.some((l) => l.includes('declares no access rule'))).toBe(true);
    });
  });

  describe('a Host that is not this computer', () => {
    const foreign = ['attacker.example:PORT', '127.0.0.1.nip.io:PORT', 'localhost.:PORT', '127.0.0.1:1', '127.0.0.1', '0.0.0.0:PORT', '192.168.1.20:PORT'];
    it.each(foreign)('Host %s gets no API, no health and no UI even with the token', async (h) => {
      const host = h.replace('PORT', String(port));
      const rpc = await rawRequest(base, { method: 'POST', path: '/api/rpc/settings.get', host, headers: { ...JSON_TYPE, ...BEARER }, body: '{}' });
      expect(rpc.status).toBe(403);
      refused(rpc, host);
      for (const p of ['/healthz', '/', '/assets/app.js', '/events/42']) {
        const res = await rawRequest(base, { path: p, host });
        expect(res.status, `${host} ${p}`).toBe(403);
        expect(res.body).not.toContain('<title>Voluntree');
      }
      const ws = await rawRequest(base, {
        path: `/api/live?token=${TOKEN}`,
        host,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      expect(ws.status).toBe(403);
    });

    it('refuses a request with no Host header', async () => {
      const res = await rawRequest(base, { path: '/healthz', host: null });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    });

    it('still lets Meta reach the webhook through a proxy that sends its public name', async () => {
      const host = 'voluntree-abc.loca.lt';
      const probe = await rawRequest(base, { path: '/webhooks/facebook', host, headers: { 'x-voluntree-probe': 'nonce-1' } });
      expect(probe.status).toBe(204);
      expect(probe.headers['x-voluntree-probe']).toBe('nonce-1');
      const secret = engine.services!.demo!.credentials.appSecret;
      const body = JSON.stringify(webhookPayload([feedEntry('1', [commentChange({ pageId: '1', postId: '1_2', commentId: '2_3', from: { id: '9', name: 'Ana' }, message: 'count me in' })])]));
      const signed = await rawRequest(base, { method: 'POST', path: '/webhooks/facebook', host, headers: { ...JSON_TYPE, 'x-hub-signature-256': signBody(body, secret) }, body });
      expect(signed.status).toBe(200);
      const unsigned = await rawRequest(base, { method: 'POST', path: '/webhooks/facebook', host, headers: JSON_TYPE, body });
      expect(unsigned.status).toBe(401);
    });
  });

  describe('JSON endpoints take JSON only', () => {
    const bodies: [string, Record<string, string>][] = [
      ['text/plain', { 'content-type': 'text/plain' }],
      ['text/plain with charset', { 'content-type': 'text/plain;charset=UTF-8' }],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
      ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
      ['no content type', {}],
    ];
    it.each(bodies)('RPC with %s gets 415 even with the token', async (_what, headers) => {
      const res = await rawRequest(base, { method: 'POST', path: '/api/rpc/settings.get', headers: { ...headers, ...BEARER }, body: '{}' });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'bad_arguments', message: expect.stringContaining('application/json') } });
    });

    it.each(bodies)('metric input with %s gets 415 and changes nothing', async (_what, headers) => {
      const res = await rawRequest(base, { method: 'POST', path: '/api/metrics/input', headers: { ...headers, ...BEARER }, body: '{"C": 7}' });
      expect(res.status).toBe(415);
      expect(await valueOfC()).toBeNull();
    });

    it('RPC without the token answers 401 before looking at the body', async () => {
      const res = await rawRequest(base, { method: 'POST', path: '/api/rpc/settings.get', headers: { 'content-type': 'text/plain' }, body: '{}' });
      expect(res.status).toBe(401);
    });
  });

  describe('the normal flows', () => {
    it('serves the UI, its files and its own addresses to loopback names', async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
        const page = await rawRequest(base, { path: '/', host });
        expect(page.status, host).toBe(200);
        expect(page.body).toContain('<title>Voluntree');
        expect(page.headers['x-frame-options']).toBe('DENY');
      }
      const deep = await rawRequest(base, { path: '/events/42' });
      expect(deep.status).toBe(200);
      expect(deep.body).toContain('<title>Voluntree');
      const js = await rawRequest(base, { path: '/assets/app.js' });
      expect(js.status).toBe(200);
      expect(js.headers['content-type']).toMatch(/javascript/);
      expect((await rawRequest(base, { path: '/assets/missing.js' })).status).toBe(404);
      expect((await rawRequest(base, { path: '/api/nothing' })).status).toBe(404);
      expect((await rawRequest(base, { method: 'POST', path: '/nothing', headers: JSON_TYPE, body: '{}' })).status).toBe(404);
    });

    it('answers /healthz (GET and HEAD) without a token', async () => {
      expect((await rawRequest(base, { path: '/healthz' })).status).toBe(200);
      expect((await rawRequest(base, { method: 'HEAD', path: '/healthz' })).status).toBe(200);
    });

    it('runs RPC and metric input as the browser bridge sends them', async () => {
      const headers = { 'content-type': 'application/json', ...BEARER };
      const settings = await rawRequest(base, { method: 'POST', path: '/api/rpc/settings.get', headers, body: '{}' });
      expect(settings.status).toBe(200);
      expect(settings.body).toContain('organisationName');
      const charset = await rawRequest(base, { method: 'POST', path: '/api/rpc/settings.get', headers: { ...headers, 'content-type': 'application/json; charset=utf-8' }, body: '{}' });
      expect(charset.status).toBe(200);
      const input = await rawRequest(base, { method: 'POST', path: '/api/metrics/input', headers, body: '{"C": 3}' });
      expect(input.status, input.body).toBe(200);
      expect(JSON.parse(input.body)).toEqual({ accepted: 1 });
      await expect.poll(valueOfC).toBe(3);
    });

    it('opens the live WebSocket with the token in the query', async () => {
      const res = await rawRequest(base, {
        path: `/api/live?token=${TOKEN}`,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      expect(res.status).toBe(101);
    });

    it('refuses the live WebSocket and RPC to a page from another origin, even with the token', async () => {
      const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
      const live = (origin?: string) => rawRequest(base, { path: `/api/live?token=${TOKEN}`, headers: { ...upgrade, ...(origin === undefined ? {} : { origin }) } });
      for (const origin of ['https://attacker.example', 'null', `http://127.0.0.1:${port + 1}`, `http://127.0.0.1.nip.io:${port}`]) {
        const res = await live(origin);
        expect(res.status, origin).toBe(403);
        expect(res.body, origin).toContain('its own pages');
      }
      // The browser UI, loaded from this server, and programs that send no Origin.
      for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, undefined]) expect((await live(origin)).status, origin).toBe(101);
      const rpc = await rawRequest(base, { method: 'POST', path: '/api/rpc/settings.get', headers: { ...BEARER, ...JSON_TYPE, origin: 'https://attacker.example' }, body: '{}' });
      expect(rpc.status).toBe(403);
      expect(rpc.body).not.toContain('organisationName');
    });
  });
});
