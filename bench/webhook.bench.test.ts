// Signed webhook comments accepted per second on loopback: the real webhook server
// (signature check over raw bytes, zod, normalise, one ingest Function call per POST, 200
// only after Redis has it) against a bare Node HTTP server answering 200 in the same run.
// One comment per POST, 64 in flight over keep-alive sockets from a worker thread, bodies
// signed beforehand (that is Meta's cost). Bounded: each side stops after COUNT requests or ~5 s.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { engineContext } from '../test/support/engine-context';
import { testRedis } from '../test/support/redis';
import { createWebhookModule } from '../src-main/engine/facebook/webhook-module';
import { commentChange, feedEntry, signBody, webhookPayload } from '../src-main/simulator/webhook-payloads';
import { reportFigures, type BenchRow } from './support/report';

const COUNT = 20_000;
const IN_FLIGHT = 64;
const TIME_LIMIT_MS = 5_000;
const PAGE = '100000000000001';
const SECRET = 'bench-app-secret';

interface Prepared {
  body: Buffer;
  signature: string;
}

function prepare(n: number, first = 0): Prepared[] {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    const body = Buffer.from(
      JSON.stringify(
        webhookPayload([
          feedEntry(PAGE, [
            commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: `1_${1_000_000 + i}`, from: { id: String(7_000_000 + (i % 500)), name: 'Maria Garcia' }, message: `Count me in for Saturday! #${i}` }),
          ]),
        ]),
      ),
    );
    return { body, signature: signBody(body, SECRET) };
  });
}

/**
 * The load generator runs in a worker thread (plain JS, node:http only), so on a small machine
 * it does not share the servers' event loop; both servers are measured the same way.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, bodies, inFlight, timeLimitMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
let next = 0, failures = 0;
const started = performance.now();
const one = (p) => new Promise((resolve, reject) => {
  const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/webhooks/facebook', agent,
    headers: { 'content-type': 'application/json', 'content-length': p.body.length, 'x-hub-signature-256': p.signature } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', reject);
  req.end(Buffer.from(p.body));
});
const lane = async () => {
  while (next < bodies.length && performance.now() - started < timeLimitMs) {
    const p = bodies[next++];
    if ((await one(p)) !== 200) failures += 1;
  }
};
Promise.all(Array.from({ length: inFlight }, lane)).then(() => {
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  parentPort.postMessage({ perSecond: next / seconds, sent: next, failures });
});
`;

/** Sends the prepared bodies with IN_FLIGHT concurrent requests; returns requests/s and non-200s. */
function blast(port: number, bodies: Prepared[]): Promise<{ perSecond: number; sent: number; failures: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(LOAD_GENERATOR, { eval: true, workerData: { port, bodies, inFlight: IN_FLIGHT, timeLimitMs: TIME_LIMIT_MS } });
    w.once('message', (r: { perSecond: number; sent: number; failures: number }) => {
      resolve(r);
      void w.terminate();
    });
    w.once('error', reject);
  });
}

describe('webhook throughput', () => {
  const rows: BenchRow[] = [];
  afterAll(() => reportFigures('Signed webhook comments (loopback)', rows));

  it('accepts signed comments against a bare HTTP server baseline', async () => {
    const t = await testRedis();
    const ctx = await engineContext(t);
    const webhook = createWebhookModule(ctx, { appSecret: () => SECRET, verifyToken: () => 'v', pageId: () => PAGE });
    await webhook.start!();
    const bare = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('EVENT_RECEIVED'));
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    try {
      const bodies = prepare(COUNT);
      // Warm both up (JIT, sockets, the gear) on bodies the measured runs do not reuse.
      await blast(webhook.tunnelPort()!, prepare(500, COUNT));
      const base = await blast((bare.address() as AddressInfo).port, bodies);
      const ours = await blast(webhook.tunnelPort()!, bodies);
      expect(ours.failures).toBe(0);
      // Every measured comment is distinct and was enqueued (plus the warm-up's 500).
      expect(await t.redis.xlen(t.keys.streamIngest)).toBe(ours.sent + 500);

      const ratio = ours.perSecond / base.perSecond;
      rows.push({
        measure: `webhook comments accepted (${ours.sent} POSTs, ${IN_FLIGHT} in flight)`,
        value: Math.round(ours.perSecond),
        unit: 'comments/s',
        baseline: { label: 'bare node http 200', value: Math.round(base.perSecond) },
        target: '>= 5000/s and >= 0.25 x bare',
        met: ours.perSecond >= 5000 && ratio >= 0.25,
      });
      rows.push({ measure: 'webhook / bare ratio', value: Math.round(ratio * 100) / 100, unit: 'x', target: '>= 0.25', met: ratio >= 0.25 });
    } finally {
      await new Promise<void>((r) => bare.close(() => r()));
      await webhook.stop!();
      await t.cleanup();
    }
  });
});
