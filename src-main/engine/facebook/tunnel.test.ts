import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineContext } from '../../../test/support/engine-context';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { startTunnelServer, type TunnelServer } from '../../../test/support/tunnel-server';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../simulator/webhook-payloads';
import { parseTunnelSetting, TunnelManager, type TunnelState } from './tunnel';
import { createWebhookModule, type TunnelSocketTimings, type WebhookModule } from './webhook-module';

const PAGE = '100000000000001';
const SECRET = 'tunnel-test-secret';

describe('the tunnel, through the real localtunnel client', () => {
  let t: TestRedis;
  let server: TunnelServer;
  let webhook: WebhookModule;
  let tunnel: TunnelManager;
  const states: TunnelState[] = [];

  beforeEach(async () => {
    t = await testRedis();
    const ctx = await engineContext(t);
    webhook = createWebhookModule(ctx, { appSecret: () => SECRET, verifyToken: () => 'v', pageId: () => PAGE });
    await webhook.start!();
    server = await startTunnelServer();
    states.length = 0;
    tunnel = new TunnelManager({
      setting: () => ({ kind: 'localtunnel' }),
      localPort: () => webhook.tunnelPort(),
      host: server.url,
      subdomain: () => 'voluntree-riverside',
      log: ctx.log,
      onChange: (s) => void states.push(s),
      healthIntervalMs: 100,
      backoff: { initialMs: 50, maxMs: 400 },
      probeTimeoutMs: 2_000,
    });
  });
  afterEach(async () => {
    await tunnel.stop();
    await server.close();
    await webhook.stop!();
    await t.cleanup();
  });

  const comment = (id: string) =>
    webhookPayload([feedEntry(PAGE, [commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: id, from: { id: '42', name: 'Maria Garcia' }, message: 'Count me in 🙌 — Saturday' })])]);

  const healthy = () => vi.waitFor(() => expect(tunnel.state().healthy).toBe(true), { timeout: 20_000, interval: 50 });

  it('delivers a signed webhook through the tunnel and exposes nothing else', async () => {
    await tunnel.start();
    await healthy();
    const { url, callbackUrl } = tunnel.state();
    expect(callbackUrl).toBe(`${url}/webhooks/facebook`);
    expect(server.registrations()).toEqual(['voluntree-riverside']);

    const res = await deliverSigned(callbackUrl!, SECRET, comment('1_100'));
    expect(res).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(1);

    const rpc = await fetch(`${url}/api/rpc/settings.get`, { method: 'POST', body: '{}' });
    expect(rpc.status).toBe(404);
  });

  it('reconnects by itself when the tunnel server dies and comes back', async () => {
    await tunnel.start();
    await healthy();
    const { controlPort, publicPort } = server;
    await server.close();
    await vi.waitFor(() => expect(tunnel.state().healthy).toBe(false), { timeout: 20_000, interval: 50 });

    server = await startTunnelServer({ controlPort, publicPort });
    await healthy();
    expect(server.registrations()).toContain('voluntree-riverside');
    expect(tunnel.state().reconnects).toBeGreaterThan(0);
    const res = await deliverSigned(tunnel.state().callbackUrl!, SECRET, comment('1_101'));
    expect(res.status).toBe(200);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(1);
    expect(states.map((s) => s.healthy)).toEqual(expect.arrayContaining([true, false]));
  });

  it('keeps asking for its own subdomain; a server that hands out another id for a taken one is used', async () => {
    await server.close();
    server = await startTunnelServer({ takenSubdomains: ['voluntree-riverside'] });
    const taken = new TunnelManager({
      setting: () => ({ kind: 'localtunnel' }),
      localPort: () => webhook.tunnelPort(),
      host: server.url,
      subdomain: () => 'voluntree-riverside',
      log: (await engineContext(t)).log,
      healthIntervalMs: 100,
      backoff: { initialMs: 20, maxMs: 50 },
      openTimeoutMs: 300,
    });
    tunnel = taken;
    await taken.start();
    await healthy();
    // Like the real server: never a 403, a random id instead; and we never asked for "any".
    expect(server.requested().every((r) => r === 'voluntree-riverside')).toBe(true);
    expect(taken.state().url).not.toContain('voluntree-riverside');
    expect((await deliverSigned(taken.state().callbackUrl!, SECRET, comment('1_102'))).status).toBe(200);
  });

  it('shows no URL until a probe came back through it, and none while a tunnel whose public side fails is rebuilt', async () => {
    // The server hands out tunnels, but public requests never reach them (a broken proxy in front).
    server.publicBroken(true);
    const seen: (string | null)[] = [];
    const watch = setInterval(() => seen.push(tunnel.state().url), 5);
    try {
      await tunnel.start();
      // Several rounds of probe failures and rebuilds, each with a fresh tunnel from the server.
      await vi.waitFor(() => expect(server.registrations().length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 20 });
      expect(tunnel.state()).toMatchObject({ url: null, callbackUrl: null, healthy: false });
      expect(tunnel.state().lastError).toMatch(/could not be reached through the public URL \(it answered 502\)/);
      expect(seen.filter((u) => u !== null)).toEqual([]);
      expect(states.filter((s) => s.url !== null)).toEqual([]);

      server.publicBroken(false);
      await healthy();
      expect(tunnel.state().url).toBe(server.publicUrl('voluntree-riverside'));
      // Every state that carried a URL was a healthy one.
      expect(states.filter((s) => s.url !== null).every((s) => s.healthy)).toBe(true);
    } finally {
      clearInterval(watch);
    }
  });

  it('reaches a tunnel server whose root answers with a redirect to another host, without following it', async () => {
    const head = await fetch(server.url, { method: 'HEAD', redirect: 'manual' });
    expect(head.status).toBe(302);
    expect(head.headers.get('location')).toMatch(/^https:\/\//);
    // The check before opening must pass on that answer (following it would leave the machine).
    await tunnel.start();
    await healthy();
    expect(tunnel.state().lastError).toBeNull();
  });

  it('leaves the tunnel off, or only checks a fixed public URL', async () => {
    const off = new TunnelManager({ setting: () => ({ kind: 'off' }), localPort: () => webhook.tunnelPort(), subdomain: () => 'x', log: (await engineContext(t)).log });
    await off.start();
    expect(off.state()).toMatchObject({ mode: 'off', url: null, healthy: false });
    await off.stop();

    const fixedUrl = `http://127.0.0.1:${webhook.tunnelPort()}`;
    const fixed = new TunnelManager({ setting: () => parseTunnelSetting(`${fixedUrl}/`), localPort: () => webhook.tunnelPort(), subdomain: () => 'x', log: (await engineContext(t)).log });
    await fixed.start();
    expect(fixed.state()).toMatchObject({ mode: 'fixed', url: fixedUrl, healthy: true, callbackUrl: `${fixedUrl}/webhooks/facebook` });
    await fixed.stop();
    expect(server.registrations()).toEqual([]);
  });
});

describe('the tunnel through idle hours and outages', () => {
  let t: TestRedis;
  let server: TunnelServer;
  let webhook: WebhookModule;
  let tunnel: TunnelManager | null = null;

  beforeEach(async () => {
    t = await testRedis();
    server = await startTunnelServer();
  });
  afterEach(async () => {
    await tunnel?.stop();
    tunnel = null;
    await server.close();
    await webhook.stop!();
    await t.cleanup();
  });

  const open = async (timing: Partial<ConstructorParameters<typeof TunnelManager>[0]>, tunnelSockets?: TunnelSocketTimings) => {
    const ctx = await engineContext(t);
    webhook = createWebhookModule(ctx, { appSecret: () => SECRET, verifyToken: () => 'v', pageId: () => PAGE, ...(tunnelSockets ? { tunnelSockets } : {}) });
    await webhook.start!();
    tunnel = new TunnelManager({ setting: () => ({ kind: 'localtunnel' }), localPort: () => webhook.tunnelPort(), host: () => server.url, subdomain: () => 'voluntree-riverside', log: ctx.log, probeTimeoutMs: 2_000, ...timing });
    await tunnel.start();
    await vi.waitFor(() => expect(tunnel!.state().healthy).toBe(true), { timeout: 20_000, interval: 50 });
    return tunnel;
  };
  const comment = (id: string) =>
    webhookPayload([feedEntry(PAGE, [commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: id, from: { id: '42', name: 'Maria Garcia' }, message: 'I can help on Saturday' })])]);

  it('after idling past every server timeout, 100 signed deliveries are all accepted and none meets a stale 408', async () => {
    // 30 idle minutes in short: the headers bound (300 ms) fires on every pre-opened socket
    // before the idle recycling (600 ms) would, which is where Node writes its 408.
    const m = await open({ healthIntervalMs: 60_000 }, { idleMs: 600, headersTimeoutMs: 300, requestTimeoutMs: 300, checkIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 1_500));
    const statuses: number[] = [];
    for (let i = 0; i < 100; i += 1) statuses.push((await deliverSigned(m.state().callbackUrl!, SECRET, comment(`1_${200 + i}`))).status);
    expect(statuses.filter((s) => s === 408).length).toBe(0);
    expect(statuses.filter((s) => s === 200).length).toBe(100);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(100);
  });

  it('keeps the same public URL through an outage of the tunnel server and is healthy soon after it is back', async () => {
    // A long backoff on purpose: only the check on the server while it is down brings the
    // tunnel back within a second or so of its return.
    const m = await open({ healthIntervalMs: 100, backoff: { initialMs: 2_000, maxMs: 20_000 }, serverProbeMs: 200 });
    const before = m.state().url;
    const { controlPort, publicPort } = server;
    await server.close();
    await vi.waitFor(() => expect(m.state()).toMatchObject({ healthy: false, url: null }), { timeout: 10_000, interval: 20 });
    expect(m.state().lastError).toMatch(/tunnel/i);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(m.state().url).toBeNull();

    server = await startTunnelServer({ controlPort, publicPort });
    const back = Date.now();
    await vi.waitFor(() => expect(m.state().healthy).toBe(true), { timeout: 10_000, interval: 20 });
    expect(Date.now() - back).toBeLessThan(1_500);
    expect(m.state().url).toBe(before);
    // The stable id was asked for and granted: on a real server the URL is the same one.
    expect(server.requested()).toEqual(['voluntree-riverside']);
    expect(server.registrations()).toEqual(['voluntree-riverside']);
    expect((await deliverSigned(m.state().callbackUrl!, SECRET, comment('1_300'))).status).toBe(200);
  });

  it('probes on a fresh connection each time, so a stale 408 anywhere in the pool is found and counted as unhealthy', async () => {
    // A kept-alive probe would travel on the one warm socket forever and never meet this one.
    const m = await open({ healthIntervalMs: 50, failuresBeforeReconnect: 1_000 });
    await server.addStaleSocket('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    await vi.waitFor(() => expect(m.state().lastError).toMatch(/answered 408/), { timeout: 5_000, interval: 10 });
  });

  it('restarting the tunnel keeps its subdomain, though the server holds the old id for a moment', async () => {
    const m = await open({ healthIntervalMs: 100 });
    await m.restart();
    await vi.waitFor(() => expect(m.state().healthy).toBe(true), { timeout: 20_000, interval: 50 });
    expect(server.registrations()).toEqual(['voluntree-riverside', 'voluntree-riverside']);
  });
});

describe('parseTunnelSetting', () => {
  it('reads localtunnel, off and a URL, and refuses other schemes', () => {
    expect(parseTunnelSetting(undefined)).toEqual({ kind: 'localtunnel' });
    expect(parseTunnelSetting('off')).toEqual({ kind: 'off' });
    expect(parseTunnelSetting('https://hooks.example.org/')).toEqual({ kind: 'fixed', url: 'https://hooks.example.org' });
    expect(() => parseTunnelSetting('ftp://x')).toThrow();
  });
});
