import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentView, EventView } from '../../src-main/contract/events';
import type { HealthReport } from '../../src-main/contract/system';
import { systemClock } from '../../src-main/engine/clock';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { TunnelManager } from '../../src-main/engine/facebook/tunnel';
import { createWebhookModule } from '../../src-main/engine/facebook/webhook-module';
import { memoryLogger } from '../../src-main/engine/log';
import { createGraphSimulator, type GraphSimulator } from '../../src-main/simulator/graph-simulator';
import { commentChange, feedEntry, signBody, webhookPayload } from '../../src-main/simulator/webhook-payloads';
import { engineContext } from '../support/engine-context';
import { resolveLocalhostSubdomains } from '../support/localhost-subdomains';
import { testRedis } from '../support/redis';
import { rpcClient } from '../support/rpc-client';
import { startTunnelPeer, type TunnelPeer } from '../support/tunnel-peer';
import { createDemoModule } from '../../src-main/simulator/demo';

/**
 * The whole engine in live mode behind a localtunnel server that dies and comes back: what
 * /healthz says meanwhile, whether the public URL survives, and whether deliveries that Meta
 * sends through the tunnel while it reconnects all end up recorded exactly once. In CI the
 * server is the loopback fake; with LT_SERVER_DIR it is the real localtunnel server (see
 * docs/facebook.md, "Checked against the real server"). The engine's own tunnel timings are
 * used, none shortened.
 */
const PAGE_ID = '300000000000016';
const PAGE_TOKEN = 'tunnel-outage-page-token-0123';
const APP_SECRET = 'tunnel-outage-app-secret-0123';
const TOKEN = 'tunnel-outage-api-token-0123456';

interface Sample {
  at: number;
  url: string | null;
  healthy: boolean;
  problems: string[];
  /** Whether the URL /healthz showed answered our probe right after (null: no URL shown). */
  answered: boolean | null;
}

describe('the engine behind a localtunnel server that dies and comes back', () => {
  let peer: TunnelPeer;
  let sim: GraphSimulator;
  let engine: Engine;
  let dataDir: string;
  let undoLookup: () => void;
  let postId = '';
  let eventId = '';
  const rpc = rpcClient(() => engine.httpUrl!, TOKEN);

  beforeAll(async () => {
    undoLookup = resolveLocalhostSubdomains();
    peer = await startTunnelPeer();
    const log = memoryLogger();
    sim = await createGraphSimulator({ log, clock: systemClock, pageId: PAGE_ID, pageToken: PAGE_TOKEN });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-tunnel-outage-'));
    const config = configFromEnv({
      VOLUNTREE_DATA_DIR: dataDir,
      VOLUNTREE_PORT: '0',
      VOLUNTREE_TOKEN: TOKEN,
      VOLUNTREE_TUNNEL: 'localtunnel',
      VOLUNTREE_TUNNEL_HOST: peer.host,
      FB_GRAPH_URL: sim.url,
      FB_PAGE_ID: PAGE_ID,
      FB_PAGE_TOKEN: PAGE_TOKEN,
      FB_APP_SECRET: APP_SECRET,
    });
    engine = createEngine({ demo: createDemoModule, config, log });
    await engine.start();
    const day = new Date(Date.now() + 5 * 24 * 3600_000).toISOString().slice(0, 10);
    const created = await rpc<EventView>('events.create', {
      title: 'Food bank sorting',
      location: 'Warehouse 2',
      slots: [{ title: 'Morning', start: `${day}T09:00:00Z`, end: `${day}T12:00:00Z`, capacity: 500 }],
    });
    eventId = created.id;
    await rpc('events.publish', { id: eventId });
    for (let i = 0; i < 200 && !postId; i += 1) {
      postId = (await rpc<EventView>('events.get', { id: eventId })).postId ?? '';
      if (!postId) await sleep(50);
    }
    expect(postId, 'the event was published').toBeTruthy();
    await waitHealthy(30_000);
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    await sim?.close();
    await peer?.close();
    undoLookup?.();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const health = async (): Promise<HealthReport> => (await fetch(`${engine.httpUrl}/healthz`)).json() as Promise<HealthReport>;
  const waitHealthy = async (ms: number): Promise<HealthReport> => {
    const until = Date.now() + ms;
    for (;;) {
      const h = await health();
      if (h.facebook.tunnelHealthy && h.facebook.tunnelUrl) return h;
      if (Date.now() > until) throw new Error(`the tunnel did not become healthy: ${JSON.stringify(h.facebook)} ${h.problems.join(' | ')}`);
      await sleep(20);
    }
  };

  /** Polls /healthz every 50 ms and, whenever it shows a URL, probes that URL at once. */
  const watchHealth = () => {
    const samples: Sample[] = [];
    let on = true;
    const done = (async () => {
      while (on) {
        const at = Date.now();
        const h = await health();
        const url = h.facebook.tunnelUrl ?? null;
        samples.push({ at, url, healthy: h.facebook.tunnelHealthy ?? false, problems: h.problems, answered: url ? await answers(url) : null });
        await sleep(50);
      }
    })();
    return {
      samples,
      stop: async () => {
        on = false;
        await done;
      },
    };
  };

  for (const outageMs of [5_000, 60_000]) {
    it(`keeps its public URL through a ${outageMs / 1000} s outage, shows no URL and the true reason meanwhile, and is healthy within 3 s of the server's return`, async () => {
      const before = (await waitHealthy(10_000)).facebook.tunnelUrl;
      expect(before).toMatch(/^http:\/\/voluntree-[0-9a-f]{12}\.localhost:\d+$/);
      const watch = watchHealth();
      await sleep(300);
      await peer.kill();
      const killedAt = Date.now();
      await sleep(outageMs);
      await peer.revive();
      const backAt = Date.now();
      const after = await waitHealthy(10_000);
      const healthyIn = Date.now() - backAt;
      await sleep(500);
      await watch.stop();
      console.log(`outage ${outageMs} ms: healthy ${healthyIn} ms after the server was back; ${watch.samples.length} /healthz samples`);

      expect(healthyIn).toBeLessThan(3_000);
      expect(after.facebook.tunnelUrl).toBe(before);
      // Every URL /healthz showed answered, except in the moment the app needs to notice the
      // server died (its tunnel sockets close; 250 ms is ample on loopback).
      const shownDead = watch.samples.filter((s) => s.answered === false && !(s.at >= killedAt - 50 && s.at < killedAt + 250));
      expect(shownDead).toEqual([]);
      const down = watch.samples.filter((s) => s.at > killedAt + 250 && s.at < backAt);
      expect(down.length).toBeGreaterThan(10);
      expect(down.filter((s) => s.url !== null)).toEqual([]);
      // After the first failed attempt to reopen (1 s backoff), the reason is the true one.
      const settled = down.filter((s) => s.at > killedAt + 2_500);
      expect(settled.length).toBeGreaterThan(5);
      expect(settled.filter((s) => !s.problems.some((p) => /tunnel server could not be reached/.test(p)))).toEqual([]);
    }, outageMs + 40_000);
  }

  it('records each of many deliveries exactly once when they are sent through the tunnel while it reconnects', async () => {
    await waitHealthy(10_000);
    const callback = `${(await health()).facebook.tunnelUrl}/webhooks/facebook`;
    const N = 150;
    const ids = Array.from({ length: N }, (_, i) => `${postId.split('_')[1]}_${7_000_000 + i}`);
    const outcomes = { accepted: 0, refused: new Map<string, number>(), attempts: 0 };
    const note = (what: string) => outcomes.refused.set(what, (outcomes.refused.get(what) ?? 0) + 1);

    // Like Meta: a delivery that is not answered 2xx in time is sent again, the same body.
    const deliver = async (commentId: string, i: number): Promise<void> => {
      const body = JSON.stringify(
        webhookPayload([feedEntry(PAGE_ID, [commentChange({ pageId: PAGE_ID, postId, commentId, from: { id: `8${String(i).padStart(6, '0')}`, name: `Helper${i} Tunnel` }, message: 'Count me in for the morning' })])]),
      );
      for (let attempt = 0; attempt < 200; attempt += 1) {
        outcomes.attempts += 1;
        try {
          const res = await fetch(callback, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) },
            body,
            signal: AbortSignal.timeout(4_000),
          });
          await res.text();
          if (res.status >= 200 && res.status < 300) {
            outcomes.accepted += 1;
            return;
          }
          note(`answered ${res.status}`);
        } catch (err) {
          note((err as Error).name === 'TimeoutError' ? 'no answer in 4 s' : 'connection failed');
        }
        await sleep(200);
      }
      throw new Error(`delivery of ${commentId} never accepted`);
    };

    // Four senders, one after another each, while the tunnel is rebuilt twice: once by the
    // coordinator's "restart tunnel" with the server up, once by the server dying for 3 s.
    let next = 0;
    const sender = async () => {
      while (next < N) {
        const i = next++;
        await deliver(ids[i]!, i);
        await sleep(20);
      }
    };
    const senders = Promise.all([sender(), sender(), sender(), sender()]);
    const disruptions = (async () => {
      while (next < 30) await sleep(10);
      await rpc('tunnel.restart', {});
      while (next < 80) await sleep(10);
      await peer.kill();
      await sleep(3_000);
      await peer.revive();
    })();
    await Promise.all([senders, disruptions]);
    const refusals = [...outcomes.refused.entries()].map(([k, v]) => `${v} ${k}`).join(', ');
    console.log(`${N} deliveries: ${outcomes.attempts} attempts; refused or unanswered: ${refusals || 'none'}`);
    expect(outcomes.accepted).toBe(N);
    // The disruptions did meet deliveries: some attempts were not accepted.
    expect(outcomes.attempts).toBeGreaterThan(N);

    // Counted where it matters: the comments the recorder wrote.
    const until = Date.now() + 30_000;
    let comments: CommentView[] = [];
    while (Date.now() < until) {
      comments = await rpc<CommentView[]>('comments.list', { eventId, limit: 1000 });
      if (comments.length >= N) break;
      await sleep(200);
    }
    await sleep(1_000);
    comments = await rpc<CommentView[]>('comments.list', { eventId, limit: 1000 });
    const recorded = comments.map((c) => c.id).filter((id) => ids.includes(id));
    expect(recorded.length).toBe(N);
    expect(new Set(recorded).size).toBe(N);
  }, 120_000);
});

describe('the tunnel after idling past every webhook server timeout', () => {
  it('answers the next 100 signed deliveries with 100 acceptances and no 408', async () => {
    // 30 idle minutes in short, on this peer (in CI the fake with 10 sockets as the real server
    // hands out; src-main/engine/facebook/tunnel.test.ts does the same with the plain fake): the
    // headers bound (300 ms) would fire on every pre-opened socket before the idle recycling
    // (600 ms), which is where Node writes its 408.
    const undo = resolveLocalhostSubdomains();
    const peer = await startTunnelPeer();
    const t = await testRedis();
    const ctx = await engineContext(t);
    const webhook = createWebhookModule(ctx, { appSecret: () => APP_SECRET, verifyToken: () => 'v', pageId: () => PAGE_ID, tunnelSockets: { idleMs: 600, headersTimeoutMs: 300, requestTimeoutMs: 300, checkIntervalMs: 50 } });
    await webhook.start!();
    const tunnel = new TunnelManager({ setting: () => ({ kind: 'localtunnel' }), localPort: () => webhook.tunnelPort(), host: peer.host, subdomain: () => 'voluntree-idle-check', log: ctx.log, healthIntervalMs: 60_000 });
    try {
      await tunnel.start();
      expect(tunnel.state()).toMatchObject({ healthy: true, url: peer.publicUrl('voluntree-idle-check') });
      await sleep(2_000);
      // Every answer is kept; an attempt that gets none is sent again, as Meta does. That happens
      // when a request is handed a pooled socket in the instant the webhook server recycles it
      // (the real server then never answers, lib/Client.js); recycling 10 sockets every 600 ms
      // makes it likely here, every 4 minutes makes it rare in use.
      const statuses: number[] = [];
      let unanswered = 0;
      for (let i = 0; i < 100; i += 1) {
        const payload = webhookPayload([feedEntry(PAGE_ID, [commentChange({ pageId: PAGE_ID, postId: `${PAGE_ID}_1`, commentId: `1_${900 + i}`, from: { id: '42', name: 'Maria Garcia' }, message: 'I can help on Saturday' })])]);
        for (;;) {
          const body = JSON.stringify(payload);
          const res = await fetch(tunnel.state().callbackUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, APP_SECRET) }, body, signal: AbortSignal.timeout(3_000) })
            .then(async (r) => ({ status: r.status, text: await r.text() }))
            .catch(() => null);
          if (!res) {
            unanswered += 1;
            continue;
          }
          statuses.push(res.status);
          break;
        }
      }
      console.log(`after idling: ${statuses.filter((s) => s === 200).length} of 100 accepted, ${statuses.filter((s) => s === 408).length} answered 408, ${unanswered} attempts unanswered and sent again`);
      expect(statuses.filter((s) => s === 408)).toEqual([]);
      expect(statuses).toHaveLength(100);
      expect(statuses.filter((s) => s === 200)).toHaveLength(100);
      expect(await t.redis.xlen(t.keys.streamIngest)).toBe(100);
    } finally {
      await tunnel.stop();
      await webhook.stop!();
      await peer.close();
      await t.cleanup();
      undo();
    }
  }, 60_000);
});

/** Our probe, as the tunnel's own health check sends it, on a connection of its own. */
function answers(base: string): Promise<boolean> {
  const nonce = randomBytes(8).toString('hex');
  return new Promise((resolve) => {
    const req = http.get(`${base}/webhooks/facebook`, { agent: false, headers: { 'x-voluntree-probe': nonce, connection: 'close' }, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 204 && res.headers['x-voluntree-probe'] === nonce);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
