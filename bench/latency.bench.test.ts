import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { Worker } from 'node:worker_threads';
import type { EventView } from '../src-main/contract/events';
import { ManualClock } from '../src-main/engine/clock';
import { configFromEnv } from '../src-main/engine/config';
import { createEngine } from '../src-main/engine/engine';
import { memoryLogger } from '../src-main/engine/log';
import { createGraphSimulator } from '../src-main/simulator/graph-simulator';
import { commentChange, feedEntry, webhookPayload } from '../src-main/simulator/webhook-payloads';
import { reportFigures } from './support/report';
import { createDemoModule } from '../src-main/simulator/demo';

const PAGE_ID = '300000000000003';
const PAGE_TOKEN = 'bench-page-token-0123456789';
const APP_SECRET = 'bench-app-secret-0123456789';
const TOKEN = 'bench-api-token-0123456789';
const RATE = 200;
const SECONDS = 10;

interface LoadResult {
  comment: number[];
  signup: number[];
  baseline: number[];
  statuses: Record<string, number>;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/**
 * Webhook received → live event at a connected client, through the whole pipeline (ingest
 * gear, preprocess, classifier gear, recorder, lowdb write, Redis pub/sub, WebSocket), at a
 * steady comment rate. Baseline in the same run: a bare Redis PUBLISH → WebSocket hop. The
 * webhooks are sent and the WebSocket is read by a worker thread (bench/support/webhook-load.mjs),
 * so the engine's event loop carries only the engine, as it does when Meta and the window are
 * other processes.
 */
it('webhook to live event latency at a steady rate', async () => {
  const sim = await createGraphSimulator({ log: memoryLogger(), clock: new ManualClock(Date.now()), pageId: PAGE_ID, pageToken: PAGE_TOKEN });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-latency-'));
  const config = configFromEnv({
    VOLUNTREE_DATA_DIR: dataDir,
    VOLUNTREE_PORT: '0',
    VOLUNTREE_TOKEN: TOKEN,
    VOLUNTREE_TUNNEL: 'off',
    FB_GRAPH_URL: sim.url,
    FB_PAGE_ID: PAGE_ID,
    FB_PAGE_TOKEN: PAGE_TOKEN,
    FB_APP_SECRET: APP_SECRET,
  });
  const log = memoryLogger();
  const engine = createEngine({ demo: createDemoModule, config, log });
  await engine.start();
  try {
    const rpc = async <T>(method: string, args: unknown): Promise<T> =>
      (await (await fetch(`${engine.httpUrl}/api/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(args) })).json()) as T;
    const start = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    const ev = await rpc<EventView>('events.create', {
      title: 'Food drive',
      slots: [{ title: 'All day', start: start.toISOString(), end: new Date(start.getTime() + 8 * 3600 * 1000).toISOString(), capacity: 10_000 }],
    });
    await rpc('events.publish', { id: ev.id });
    let postId: string | null = null;
    for (let i = 0; i < 100 && !postId; i += 1) {
      postId = (await rpc<EventView>('events.get', { id: ev.id })).postId;
      if (!postId) await new Promise((r) => setTimeout(r, 100));
    }
    if (!postId) throw new Error('the event was not published');

    // Comments whose live events the load worker times: one in five signs up, each from a new person.
    const texts = ['count me in!', 'what time does it start?', 'great cause ❤️', 'sorry cant make it anymore', 'is there parking nearby?'];
    const total = RATE * SECONDS;
    const deliveries = Array.from({ length: total }, (_, i) => {
      const commentId = `${postId}_${700000 + i}`;
      const from = { id: String(9000 + i), name: `Bench Person ${i}` };
      const text = texts[i % texts.length]!;
      const body = JSON.stringify(webhookPayload([feedEntry(PAGE_ID, [commentChange({ pageId: PAGE_ID, postId, commentId, from, message: text })])]));
      return { commentId, volunteerId: i % texts.length === 0 ? `fb_${from.id}` : null, body };
    });
    const load = new Worker(new URL('./support/webhook-load.mjs', import.meta.url), {
      workerData: {
        url: `${engine.httpUrl}/webhooks/facebook`,
        wsUrl: `${engine.httpUrl!.replace('http', 'ws')}/api/live?token=${TOKEN}`,
        appSecret: APP_SECRET,
        rate: RATE,
        settleMs: 30_000,
        deliveries,
      },
    });
    const result = new Promise<LoadResult>((resolve, reject) => {
      load.on('message', (m: unknown) => {
        if (m === 'ready') {
          void (async () => {
            // Baseline: one live event published straight into Redis, to the same WebSocket.
            for (let i = 0; i < 50; i += 1) {
              await engine.live.publish('system.notice', { level: 'info', message: `bench-baseline:${performance.timeOrigin + performance.now()}` });
              await new Promise((r) => setTimeout(r, 10));
            }
            load.postMessage('go');
          })();
        } else resolve(m as LoadResult);
      });
      load.once('error', reject);
    });
    const { comment, signup, baseline, statuses } = await result;
    await load.terminate();
    if (process.env.VOLUNTREE_BENCH_DETAIL) {
      const batches = log.lines.filter((l) => l.includes('recorded a batch')).map((l) => JSON.parse(l) as Record<string, number>);
      const avg = (k: string) => Math.round(batches.reduce((a, b) => a + (b[k] ?? 0), 0) / Math.max(1, batches.length));
      process.stdout.write(`recorder: ${batches.length} batches, avg entries ${avg('entries')}, apply ${avg('applyMs')} ms, live ${avg('liveMs')} ms, write ${avg('writeMs')} ms, dispatch ${avg('dispatchMs')} ms\n`);
      process.stdout.write(`webhook answers: ${JSON.stringify(statuses)}\n`);
    }
    const signups = deliveries.filter((d) => d.volunteerId).length;
    const p50 = percentile(comment, 50);
    const p99 = percentile(comment, 99);
    reportFigures('End-to-end latency', [
      {
        measure: `webhook → live comment p50, ${RATE} comments/s for ${SECONDS} s (${comment.length}/${total} arrived)`,
        value: Math.round(p50 * 10) / 10,
        unit: 'ms',
        baseline: { label: 'Redis PUBLISH → WebSocket p50', value: Math.round(percentile(baseline, 50) * 10) / 10 },
        target: '<= 50 ms',
        met: p50 <= 50,
      },
      { measure: 'webhook → live comment p99', value: Math.round(p99 * 10) / 10, unit: 'ms', target: '<= 250 ms', met: p99 <= 250 },
      { measure: `webhook → live signup p50 (${signup.length}/${signups} arrived)`, value: Math.round(percentile(signup, 50) * 10) / 10, unit: 'ms', target: '<= 50 ms', met: percentile(signup, 50) <= 50 },
      { measure: 'webhook → live signup p99', value: Math.round(percentile(signup, 99) * 10) / 10, unit: 'ms', target: '<= 250 ms', met: percentile(signup, 99) <= 250 },
    ]);
  } finally {
    await engine.stop();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
