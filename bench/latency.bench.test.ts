import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import WebSocket from 'ws';
import type { CommentView, EventView } from '../src-main/contract/events';
import { ManualClock } from '../src-main/engine/clock';
import { configFromEnv } from '../src-main/engine/config';
import { createEngine } from '../src-main/engine/engine';
import { memoryLogger } from '../src-main/engine/log';
import { createGraphSimulator } from '../src-main/simulator/graph-simulator';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../src-main/simulator/webhook-payloads';
import { reportFigures } from './support/report';

const PAGE_ID = '300000000000003';
const PAGE_TOKEN = 'bench-page-token-0123456789';
const APP_SECRET = 'bench-app-secret-0123456789';
const TOKEN = 'bench-api-token-0123456789';
const RATE = 200;
const SECONDS = 10;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/**
 * Webhook received → live event at a connected client, through the whole pipeline (ingest
 * gear, preprocess, classifier gear, recorder, lowdb write, Redis pub/sub, WebSocket), at a
 * steady comment rate. Baseline in the same run: a bare Redis PUBLISH → WebSocket hop.
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
  const engine = createEngine({ config, log });
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

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let baselineSentAt = 0;
    const baseline: number[] = [];
    const ws = new WebSocket(`${engine.httpUrl!.replace('http', 'ws')}/api/live?token=${TOKEN}`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { event: string; payload: { comment?: CommentView; message?: string } };
      if (msg.event === 'comment.received' && msg.payload.comment) {
        const t = sentAt.get(msg.payload.comment.id);
        if (t !== undefined) {
          latencies.push(performance.now() - t);
          sentAt.delete(msg.payload.comment.id);
        }
      } else if (msg.event === 'system.notice' && msg.payload.message === 'bench-baseline') {
        baseline.push(performance.now() - baselineSentAt);
      }
    });

    // Baseline: one live event published straight into Redis, to the same WebSocket.
    for (let i = 0; i < 50; i += 1) {
      baselineSentAt = performance.now();
      await engine.live.publish('system.notice', { level: 'info', message: 'bench-baseline' });
      await new Promise((r) => setTimeout(r, 10));
    }

    const texts = ['count me in!', 'Sign me up for the afternoon', 'what time does it start?', 'great cause ❤️', 'sorry cant make it anymore'];
    const total = RATE * SECONDS;
    const t0 = performance.now();
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < total; i += 1) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const commentId = `${postId}_${700000 + i}`;
      const payload = webhookPayload([
        feedEntry(PAGE_ID, [commentChange({ pageId: PAGE_ID, postId, commentId, from: { id: String(9000 + i), name: `Bench Person ${i}` }, message: texts[i % texts.length]! })]),
      ]);
      sentAt.set(commentId, performance.now());
      inflight.push(deliverSigned(`${engine.httpUrl}/webhooks/facebook`, APP_SECRET, payload));
    }
    await Promise.all(inflight);
    const deadline = Date.now() + 30_000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    ws.close();
    if (process.env.VOLUNTREE_BENCH_DETAIL) {
      const batches = log.lines.filter((l) => l.includes('recorded a batch')).map((l) => JSON.parse(l) as Record<string, number>);
      const avg = (k: string) => Math.round(batches.reduce((a, b) => a + (b[k] ?? 0), 0) / Math.max(1, batches.length));
      process.stdout.write(`recorder: ${batches.length} batches, avg entries ${avg('entries')}, apply ${avg('applyMs')} ms, live ${avg('liveMs')} ms, write ${avg('writeMs')} ms, dispatch ${avg('dispatchMs')} ms\n`);
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    reportFigures('End-to-end latency', [
      {
        measure: `webhook → live event p50, ${RATE} comments/s for ${SECONDS} s (${latencies.length}/${total} arrived)`,
        value: Math.round(p50 * 10) / 10,
        unit: 'ms',
        baseline: { label: 'Redis PUBLISH → WebSocket p50', value: Math.round(percentile(baseline, 50) * 10) / 10 },
        target: '<= 50 ms',
        met: p50 <= 50,
      },
      { measure: 'webhook → live event p99', value: Math.round(p99 * 10) / 10, unit: 'ms', target: '<= 250 ms', met: p99 <= 250 },
    ]);
  } finally {
    await engine.stop();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
