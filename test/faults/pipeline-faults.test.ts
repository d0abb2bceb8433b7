import { mkdirSync, mkdtempSync, rmSync, rmdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentView, EventView } from '../../src-main/contract/events';
import { ManualClock } from '../../src-main/engine/clock';
import { memoryLogger } from '../../src-main/engine/log';
import { COMMENT_POOL } from '../../src-main/simulator/comment-pool';
import { createGraphSimulator, type GraphSimulator } from '../../src-main/simulator/graph-simulator';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../src-main/simulator/webhook-payloads';
import { ensureBuilt } from '../e2e/support/app';
import { printedUrlOf, redisPidOf, redisUrlOf, sleep, VoluntreeProcess, waitHealthy } from './support/processes';

/**
 * The pipeline under a steady load of signed webhooks while faults are injected one after
 * another. Meta's side is played faithfully: a delivery that is not answered 200 is sent again
 * (Meta retries for 36 hours), and some deliveries are duplicated. At the end, every comment
 * that was answered 200 must be recorded exactly once, with at most one public and one private
 * reply, whatever was killed or broken on the way.
 */
const PAGE_ID = '200000000000002';
const PAGE_TOKEN = 'fault-suite-page-token-0123456789';
const APP_SECRET = 'fault-suite-app-secret-0123456789';
const TOKEN = 'fault-suite-api-token-0123456789';
const RATE_PER_SECOND = 25;
const PHASE_MS = 4000;

interface Row {
  fault: string;
  sent: number;
  accepted: number;
  retried: number;
  lost: number;
  doubled: number;
}

describe('fault suite: nothing lost, nothing doubled', () => {
  let sim: GraphSimulator;
  let app: VoluntreeProcess;
  let dataDir: string;
  let url: string;
  let webhookUrl: string;
  let eventId: string;
  let postId: string;
  let seq = 0;
  const accepted = new Set<string>();
  const rows: Row[] = [];
  let env: Record<string, string>;

  const rpc = async <T>(method: string, args: unknown = {}): Promise<T> => {
    const res = await fetch(`${url}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(args),
    });
    const body = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new Error(`${method}: ${res.status} ${body.error?.message}`);
    return body;
  };

  /** One comment, delivered until it is answered 200 (as Meta does), sometimes twice. */
  /** The row (fault phase) each comment was sent in, so the table says where anything went wrong. */
  const phaseOf = new Map<string, number>();
  async function deliverOne(counts: { sent: number; accepted: number; retried: number }, phase: number): Promise<void> {
    seq += 1;
    const pool = COMMENT_POOL[seq % COMMENT_POOL.length]!;
    const commentId = `${postId}_${900000 + seq}`;
    phaseOf.set(commentId, phase);
    const payload = webhookPayload([
      feedEntry(PAGE_ID, [
        commentChange({ pageId: PAGE_ID, postId, commentId, from: { id: String(5000 + (seq % 300)), name: `Person ${seq % 300}` }, message: pool.text }),
      ]),
    ]);
    const body = JSON.stringify(payload);
    const copies = seq % 7 === 0 ? 2 : 1;
    for (let copy = 0; copy < copies; copy += 1) {
      counts.sent += 1;
      for (let attempt = 0; attempt < 200; attempt += 1) {
        let status = 0;
        try {
          status = (await deliverSigned(webhookUrl, APP_SECRET, body)).status;
        } catch {
          status = 0;
        }
        if (status === 200) {
          accepted.add(commentId);
          if (copy === 0) counts.accepted += 1;
          break;
        }
        counts.retried += 1;
        await sleep(Math.min(100 * (attempt + 1), 1000));
      }
    }
  }

  /** A steady load for `ms`, while `inject` runs. */
  const t0 = Date.now();
  const phaseStarts: Record<string, number> = {};
  async function loadWhile(fault: string, ms: number, inject: () => Promise<void>): Promise<void> {
    phaseStarts[fault] = Date.now() - t0;
    const counts = { sent: 0, accepted: 0, retried: 0 };
    const phase = rows.length;
    const before = new Set(accepted);
    const deliveries: Promise<void>[] = [];
    let stop = false;
    const ticker = (async () => {
      while (!stop) {
        deliveries.push(deliverOne(counts, phase));
        await sleep(1000 / RATE_PER_SECOND);
      }
    })();
    await inject();
    await sleep(ms);
    stop = true;
    await ticker;
    await Promise.all(deliveries);
    rows.push({ fault, sent: counts.sent, accepted: accepted.size - before.size, retried: counts.retried, lost: 0, doubled: 0 });
  }

  beforeAll(async () => {
    ensureBuilt();
    sim = await createGraphSimulator({ log: memoryLogger(), clock: new ManualClock(Date.now()), pageId: PAGE_ID, pageToken: PAGE_TOKEN });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-faults-'));
    env = {
      VOLUNTREE_DATA_DIR: dataDir,
      VOLUNTREE_PORT: '0',
      VOLUNTREE_TOKEN: TOKEN,
      VOLUNTREE_TUNNEL: 'off',
      REDIS_URL: '',
      FB_GRAPH_URL: sim.url,
      FB_PAGE_ID: PAGE_ID,
      FB_PAGE_TOKEN: PAGE_TOKEN,
      FB_APP_SECRET: APP_SECRET,
    };
    app = new VoluntreeProcess('serve', env);
    app.start();
    url = await printedUrlOf(app);
    webhookUrl = `${url}/webhooks/facebook`;
    // A restart keeps the address, as Meta's callback URL would.
    app.setEnv({ VOLUNTREE_PORT: new URL(url).port });
    await waitHealthy(url, app);
    const start = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const end = new Date(start.getTime() + 4 * 3600 * 1000);
    const created = await rpc<EventView>('events.create', {
      title: 'Harbour clean-up',
      location: 'North pier',
      slots: [{ title: 'Morning', start: start.toISOString(), end: end.toISOString(), capacity: 5000 }],
    });
    eventId = created.id;
    await rpc('events.publish', { id: eventId });
    for (let i = 0; i < 100; i += 1) {
      const ev = await rpc<EventView>('events.get', { id: eventId });
      if (ev.postId) {
        postId = ev.postId;
        break;
      }
      await sleep(100);
    }
    expect(postId, 'the event was published').toBeTruthy();
  });

  afterAll(async () => {
    await app?.kill('SIGTERM');
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    const table = [
      `${'fault'.padEnd(44)} ${'deliveries'.padStart(10)} ${'comments'.padStart(9)} ${'retries'.padStart(8)} ${'lost'.padStart(5)} ${'doubled'.padStart(8)}`,
      ...rows.map((r) => `${r.fault.padEnd(44)} ${String(r.sent).padStart(10)} ${String(r.accepted).padStart(9)} ${String(r.retried).padStart(8)} ${String(r.lost).padStart(5)} ${String(r.doubled).padStart(8)}`),
    ];
    const legend =
      'deliveries: signed webhook POSTs, one in seven sent twice as Meta does; comments: distinct comments answered 200; ' +
      'retries: deliveries sent again after no 200; lost: answered 200 but not recorded; doubled: recorded or replied to more than once';
    process.stdout.write(`\nFault suite\n${table.join('\n')}\n${legend}\n`);
  });

  it('survives each fault in turn and ends with every accepted comment recorded once', async () => {
    await loadWhile('none (baseline)', PHASE_MS, async () => undefined);

    await loadWhile('SIGKILL redis-server', PHASE_MS, async () => {
      await sleep(1000);
      const pid = redisPidOf(dataDir);
      expect(pid).not.toBeNull();
      process.kill(pid!, 'SIGKILL');
    });

    const worker = new VoluntreeProcess('worker', { ...env, REDIS_URL: redisUrlOf(dataDir) });
    await loadWhile('SIGKILL a worker mid-batch', PHASE_MS, async () => {
      worker.start();
      await sleep(1500);
      await worker.kill('SIGKILL');
    });

    await loadWhile('Graph API: 5xx, timeouts, rate limits', PHASE_MS, async () => {
      sim.failNext({ kind: 'server_error', status: 503 }, 15);
      sim.failNext({ kind: 'timeout', ms: 20_000 }, 3);
      sim.failNext({ kind: 'rate_limit', code: 4, minutes: 0 }, 10);
    });

    const blocker = path.join(dataDir, 'data', 'comments.json.tmp');
    await loadWhile('data file unwritable for 3 s', PHASE_MS, async () => {
      // Root ignores file modes, so a directory where the write's temporary file must go
      // makes the write fail for anyone.
      // A write under way has its temporary file there for a moment: wait for its rename.
      for (let tries = 0; ; tries += 1) {
        try {
          mkdirSync(blocker);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries >= 400) throw err;
          await sleep(5);
        }
      }
      setTimeout(() => rmdirSync(blocker), 3000);
    });

    await loadWhile('SIGKILL the app (recorder mid-batch), restart', PHASE_MS, async () => {
      await sleep(1000);
      await app.kill('SIGKILL');
      // The supervised Redis outlives its SIGKILLed parent: the new app must find and stop it.
      app.start();
      await waitHealthy(url, app);
    });

    // Let the pipeline drain, then compare.
    let comments: CommentView[] = [];
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      comments = await rpc<CommentView[]>('comments.list', { eventId, limit: 1000 });
      if (comments.length >= accepted.size) break;
      await sleep(500);
    }
    await sleep(3000);
    comments = await rpc<CommentView[]>('comments.list', { eventId, limit: 1000 });

    const seen = new Map<string, number>();
    for (const c of comments) seen.set(c.id, (seen.get(c.id) ?? 0) + 1);
    const lost = [...accepted].filter((id) => !seen.has(id));
    const doubledRecords = [...seen.values()].filter((n) => n > 1).length;

    const publicReplies = new Map<string, number>();
    const privateReplies = new Map<string, number>();
    // Only calls Meta accepted are messages people received (a refused second private reply is not).
    for (const call of sim.calls({ method: 'POST' }).filter((c) => c.status !== null && c.status < 300)) {
      const m = /^(\d+(?:_\d+)+)\/comments$/.exec(call.path);
      if (m) publicReplies.set(m[1]!, (publicReplies.get(m[1]!) ?? 0) + 1);
      const recipient = (call.body?.recipient as { comment_id?: string } | undefined)?.comment_id;
      if (call.path.endsWith('/messages') && recipient) privateReplies.set(recipient, (privateReplies.get(recipient) ?? 0) + 1);
    }
    const doubledReplies = [...publicReplies.values(), ...privateReplies.values()].filter((n) => n > 1).length;
    const doubledIds = [...seen, ...publicReplies, ...privateReplies].filter(([, n]) => n > 1).map(([id]) => id);
    rows.forEach((row, i) => {
      row.lost = lost.filter((id) => phaseOf.get(id) === i).length;
      row.doubled = doubledIds.filter((id) => phaseOf.get(id) === i).length;
    });
    rows.push({ fault: 'TOTAL', sent: rows.reduce((a, r) => a + r.sent, 0), accepted: accepted.size, retried: rows.reduce((a, r) => a + r.retried, 0), lost: lost.length, doubled: doubledRecords + doubledReplies });

    expect(lost, `comments answered 200 but not recorded (app log:\n${app.output().slice(-3000)})`).toEqual([]);
    expect(doubledRecords).toBe(0);
    const doubledDetail = [...publicReplies].filter(([, n]) => n > 1).map(([id, n]) => `public ${id} ×${n}`)
      .concat([...privateReplies].filter(([, n]) => n > 1).map(([id, n]) => `private ${id} ×${n}`));
    const times = (id: string) => sim.calls({ method: 'POST' }).filter((c) => c.path.startsWith(id) || (c.body?.recipient as { comment_id?: string } | undefined)?.comment_id === id).map((c) => c.at - t0);
    expect(doubledReplies, `doubled: ${doubledDetail.join(', ')}; at ms: ${doubledDetail.map((d) => JSON.stringify(times(d.split(' ')[1]!))).join(' ')}; phases at ${JSON.stringify(phaseStarts)}`).toBe(0);
    expect(publicReplies.size).toBeGreaterThan(0);
  });
});
