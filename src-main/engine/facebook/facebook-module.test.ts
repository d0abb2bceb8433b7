import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineContext } from '../../../test/support/engine-context';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { resolveLocalhostSubdomains } from '../../../test/support/localhost-subdomains';
import { startTunnelServer, type TunnelServer } from '../../../test/support/tunnel-server';
import type { LiveMessage } from '../../contract';
import { createGraphSimulator, type GraphSimulator } from '../../simulator/graph-simulator';
import { settingsPatch } from '../../contract/system';
import { configFromEnv } from '../config';
import type { EngineContext } from '../module';
import { createGraphFor } from '../modules';
import { FileSecretStore } from '../settings/secret-store';
import { defaultSettings, SettingsService } from '../settings/settings-module';
import { Store } from '../store/store';
import { createFacebookModule, type FacebookModule, type FacebookSettings } from './facebook-module';
import { GraphClient } from './graph-client';
import { createWebhookModule, type WebhookModule } from './webhook-module';

describe('the Facebook module: connection check, tunnel and callback URL', () => {
  let t: TestRedis;
  let ctx: EngineContext;
  let sim: GraphSimulator;
  let server: TunnelServer;
  let webhook: WebhookModule;
  let fb: FacebookModule | null;
  let sub: Redis;
  const live: LiveMessage[] = [];
  let demo = false;

  /** A Graph client on the simulator; with an app token it may set the Meta app's callback itself. */
  const simulatorGraph = (appToken: boolean): GraphClient =>
    new GraphClient({
      baseUrl: () => sim.url,
      version: () => 'v25.0',
      pageId: () => sim.pageId,
      pageToken: () => 'page-token',
      appId: () => (appToken ? '200000000000002' : null),
      appSecret: () => (appToken ? 'secret' : null),
      clock: ctx.clock,
      log: ctx.log,
    });

  const settings: FacebookSettings = {
    demoMode: () => demo,
    tunnel: () => 'localtunnel',
    pageId: () => sim.pageId,
    verifyToken: () => 'verify-riverside',
  };

  beforeEach(async () => {
    t = await testRedis();
    ctx = await engineContext(t);
    sim = await createGraphSimulator({ log: ctx.log, clock: ctx.clock, pageToken: 'page-token' });
    server = await startTunnelServer();
    webhook = createWebhookModule(ctx, { appSecret: () => 'secret', verifyToken: settings.verifyToken, pageId: () => sim.pageId });
    await webhook.start!();
    demo = false;
    fb = null;
    live.length = 0;
    sub = new Redis(t.url);
    sub.on('message', (_c: string, text: string) => live.push(JSON.parse(text) as LiveMessage));
    await sub.subscribe(t.keys.liveChannel);
  });
  afterEach(async () => {
    await fb?.stop!();
    await webhook.stop!();
    await server.close();
    await sim.close();
    sub.disconnect();
    await t.cleanup();
  });

  const build = (appToken: boolean): FacebookModule => {
    const graph = simulatorGraph(appToken);
    fb = createFacebookModule(ctx, { graph, webhook, settings, tunnelHost: server.url, tunnelTiming: { healthIntervalMs: 100, backoff: { initialMs: 50, maxMs: 400 } } });
    return fb;
  };

  it('passes every step and sets the callback URL itself when an app token is set', async () => {
    const m = build(true);
    await m.start!();
    const result = await m.handlers!['facebook.connect']!({}, { via: 'internal' });
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['page_token', true],
      ['subscription', true],
      ['tunnel', true],
      ['webhook', true],
    ]);
    expect(result.ok).toBe(true);
    const status = await m.handlers!['facebook.status']!({}, { via: 'internal' });
    // The simulator, like Meta, verified the new callback through the tunnel before accepting it.
    expect(sim.callbackUrl()).toBe(status.tunnel.callbackUrl);
    expect(status.webhook.lastVerifiedAt).not.toBeNull();
    expect(status).toMatchObject({ mode: 'live', updatesCallbackItself: true, tunnel: { mode: 'localtunnel', healthy: true } });
    await vi.waitFor(() => expect(live.some((l) => l.event === 'facebook.tunnel' && l.payload.healthy)).toBe(true));
  });

  it('sets the callback URL itself with the App ID and App Secret saved in Settings', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-fb-settings-'));
    try {
      const store = new Store(path.join(dir, 'data'), ctx.log);
      const config = configFromEnv({ VOLUNTREE_DATA_DIR: dir, FB_GRAPH_URL: sim.url });
      const saved = new SettingsService(config, await store.collection('settings', defaultSettings), new FileSecretStore(dir));
      // As the Settings screen does it: no FB_APP_ID in the environment.
      await saved.apply(settingsPatch.parse({ pageId: sim.pageId, pageToken: 'page-token', appSecret: 'secret', appId: '200000000000009', tunnel: 'localtunnel' }));
      const graph = createGraphFor(ctx, config, saved, null);
      fb = createFacebookModule(ctx, { graph, webhook, settings, tunnelHost: server.url, tunnelTiming: { healthIntervalMs: 100, backoff: { initialMs: 50, maxMs: 400 } } });
      await fb.start!();
      const result = await fb.handlers!['facebook.connect']!({}, { via: 'internal' });
      expect(result.steps.at(-1)).toMatchObject({ step: 'webhook', ok: true });
      expect(sim.calls({ method: 'POST', pathIncludes: '200000000000009/subscriptions' }).length).toBeGreaterThanOrEqual(1);
      expect(sim.callbackUrl()).toMatch(/\/webhooks\/facebook$/);
      expect((await fb.handlers!['facebook.status']!({}, { via: 'internal' })).updatesCallbackItself).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells the coordinator what to paste where when there is no app token', async () => {
    const m = build(false);
    await m.start!();
    await vi.waitFor(
      () => {
        const notice = live.find((l) => l.event === 'system.notice');
        expect(notice?.payload).toMatchObject({ level: 'warning' });
        expect(JSON.stringify(notice?.payload)).toContain(`${server.publicUrl('')}/webhooks/facebook`);
        expect(JSON.stringify(notice?.payload)).toContain('verify-riverside');
      },
      { timeout: 20_000, interval: 50 },
    );
    const result = await m.handlers!['facebook.connect']!({}, { via: 'internal' });
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({ step: 'webhook', ok: false });
    expect(result.steps.at(-1)?.message).toContain('Callback URL');
  });

  it('in demo mode runs no tunnel and says how to connect a Page', async () => {
    demo = true;
    const m = build(false);
    await m.start!();
    const result = await m.handlers!['facebook.connect']!({}, { via: 'internal' });
    expect(result).toMatchObject({ ok: false, mode: 'demo' });
    expect(server.registrations()).toEqual([]);
    expect((await m.handlers!['facebook.status']!({}, { via: 'internal' })).mode).toBe('demo');
  });

  it('restarts the tunnel on request', async () => {
    const m = build(false);
    await m.start!();
    const state = await m.handlers!['tunnel.restart']!({}, { via: 'internal' });
    expect(state.mode).toBe('localtunnel');
    expect(server.registrations().length).toBeGreaterThanOrEqual(2);
  });

  describe('when the public URL changes', () => {
    let undo: () => void;
    let ids: TunnelServer;
    beforeEach(async () => {
      undo = resolveLocalhostSubdomains();
      // One URL per id, as the real server gives them, so a new id is a new callback URL.
      ids = await startTunnelServer({ subdomainUrls: true });
    });
    afterEach(async () => {
      await fb?.stop!();
      fb = null;
      await ids.close();
      undo();
    });

    const run = async (appToken: boolean) => {
      const graph = simulatorGraph(appToken);
      // Probe failures never rebuild the tunnel here: a flap must keep the same URL.
      fb = createFacebookModule(ctx, { graph, webhook, settings, tunnelHost: ids.url, tunnelTiming: { healthIntervalMs: 50, backoff: { initialMs: 50, maxMs: 400 }, failuresBeforeReconnect: 1_000 } });
      await fb.start!();
      const url = () => fb!.tunnel.state().callbackUrl;
      await vi.waitFor(() => expect(url()).toMatch(/^http:\/\/voluntree-[0-9a-f]{12}\.localhost:\d+\/webhooks\/facebook$/), { timeout: 20_000, interval: 20 });
      const first = url()!;
      const notices = () => live.filter((l) => l.event === 'system.notice').map((l) => JSON.stringify(l.payload));
      await vi.waitFor(() => expect(notices().length).toBe(1), { timeout: 10_000, interval: 20 });

      // The stable id is taken by someone else: the server hands out another, a new URL.
      ids.take(first.split('//')[1]!.split('.')[0]!);
      await fb.handlers!['tunnel.restart']!({}, { via: 'internal' });
      await vi.waitFor(() => expect(url()).not.toBeNull(), { timeout: 20_000, interval: 20 });
      const second = url()!;
      expect(second).not.toBe(first);
      await vi.waitFor(() => expect(notices().length).toBe(2), { timeout: 10_000, interval: 20 });

      // The same URL going unhealthy and healthy again, three times: nothing new to tell.
      for (let i = 0; i < 3; i += 1) {
        ids.publicBroken(true);
        await vi.waitFor(() => expect(fb!.tunnel.state().healthy).toBe(false), { timeout: 10_000, interval: 10 });
        ids.publicBroken(false);
        await vi.waitFor(() => expect(fb!.tunnel.state().healthy).toBe(true), { timeout: 10_000, interval: 10 });
      }
      expect(url()).toBe(second);
      await new Promise((r) => setTimeout(r, 300));
      return { first, second, notices: notices() };
    };

    it('points Meta at the new URL itself when App ID and App Secret are set, once per URL', async () => {
      const { first, second, notices } = await run(true);
      expect(notices).toEqual([expect.stringContaining(`now sends comments to ${first}`), expect.stringContaining(`now sends comments to ${second}`)]);
      expect(sim.callbackUrl()).toBe(second);
      expect(sim.calls({ method: 'POST', pathIncludes: '/subscriptions' }).length).toBe(2);
    });

    it('otherwise tells the coordinator once per new URL what to paste where', async () => {
      const { first, second, notices } = await run(false);
      expect(notices).toHaveLength(2);
      expect(notices[0]).toContain(`Callback URL to ${first}`);
      expect(notices[1]).toContain(`Callback URL to ${second}`);
      expect(JSON.parse(notices[1]!)).toMatchObject({ level: 'warning' });
      expect(sim.calls({ method: 'POST', pathIncludes: '/subscriptions' })).toEqual([]);
    });
  });

  it('asks the tunnel server chosen in Settings, and moves to another when the setting changes', async () => {
    const other = await startTunnelServer();
    try {
      let host = server.url;
      const listeners: (() => void)[] = [];
      const graph = new GraphClient({ baseUrl: () => sim.url, version: () => 'v25.0', pageId: () => sim.pageId, pageToken: () => 'page-token', appId: () => null, appSecret: () => null, clock: ctx.clock, log: ctx.log });
      fb = createFacebookModule(ctx, {
        graph,
        webhook,
        settings: { ...settings, tunnelHost: () => host, onChange: (cb) => (listeners.push(cb), () => undefined) },
        tunnelTiming: { healthIntervalMs: 100, backoff: { initialMs: 50, maxMs: 400 } },
      });
      await fb.start!();
      await vi.waitFor(() => expect(fb!.tunnel.state().healthy).toBe(true), { timeout: 20_000, interval: 50 });
      expect(server.registrations().length).toBe(1);
      expect(other.registrations()).toEqual([]);

      host = other.url;
      for (const l of listeners) l();
      await vi.waitFor(() => expect(other.registrations().length).toBe(1), { timeout: 20_000, interval: 50 });
      await vi.waitFor(() => expect(fb!.tunnel.state()).toMatchObject({ healthy: true, url: other.publicUrl('') }), { timeout: 20_000, interval: 50 });
      expect(server.registrations().length).toBe(1);
    } finally {
      await fb?.stop!();
      fb = null;
      await other.close();
    }
  });
});
