import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentView, EventSignups, EventView } from '../../src-main/contract/events';
import type { HealthReport } from '../../src-main/contract/system';
import { Redis } from 'ioredis';
import { systemClock } from '../../src-main/engine/clock';
import { CLASSIFIER_GROUP } from '../../src-main/engine/pipeline/stages/classify';
import { PREPROCESS_GROUP } from '../../src-main/engine/pipeline/stages/preprocess';
import { memoryLogger } from '../../src-main/engine/log';
import { createGraphSimulator, type GraphSimulator } from '../../src-main/simulator/graph-simulator';
import { tallyReplies } from '../../src-main/simulator/reply-tally';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../src-main/simulator/webhook-payloads';
import { heldBy } from '../faults/support/in-flight';
import { sleep } from '../faults/support/processes';
import { repliesInTheWindow, type WindowReply } from '../faults/support/reply-window';
import { LOAD_TEXTS } from '../support/comment-texts';
import { busyParts, pipelineIdle } from '../support/pipeline-idle';
import { freePort, startTestRedisServer, type TestRedisServer } from '../support/redis-server';
import { rpcClient } from '../support/rpc-client';

/**
 * The app and two `voluntree worker` processes, each its own OS process and data folder, on one
 * Redis (started here, so the processes' default `vt:` keys touch no other test). Live mode
 * against the Graph simulator (run in this test, so replies are counted where they arrive); the
 * workers get the Page connection sealed with VOLUNTREE_WORKER_KEY. 1,000 comments arrive
 * through the signed webhook and one worker is SIGKILLed half way: every comment is recorded
 * once, every reply sent once, no job failed.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const PAGE_ID = '300000000000021';
const PAGE_TOKEN = 'multi-process-page-token-0123456';
const APP_SECRET = 'multi-process-app-secret-0123456';
const TOKEN = 'multi-process-api-token-01234567';
const WORKER_KEY = 'multi-process-worker-key-0123456789';
const TEXTS = [...LOAD_TEXTS.morning.texts, ...LOAD_TEXTS.afternoon.texts];

interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
}

describe('the app and two workers as separate processes, one killed mid-batch', () => {
  let redis: TestRedisServer;
  let sim: GraphSimulator;
  let port = 0;
  const procs: Proc[] = [];
  const dirs: string[] = [];
  const rpc = rpcClient(() => `http://127.0.0.1:${port}`, TOKEN);
  const health = async (): Promise<HealthReport> => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as HealthReport;

  const start = (name: string, command: 'serve' | 'worker', env: Record<string, string>): Proc => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `vt-mp-${name}-`));
    dirs.push(dataDir);
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'voluntree.js'), command], {
      cwd: ROOT,
      env: { ...process.env, VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_TUNNEL: 'off', REDIS_URL: redis.url, VOLUNTREE_WORKER_KEY: WORKER_KEY, FB_GRAPH_URL: sim.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p: Proc = { name, child, output: [] };
    child.stdout!.on('data', (d: Buffer) => p.output.push(d.toString('utf8')));
    child.stderr!.on('data', (d: Buffer) => p.output.push(d.toString('utf8')));
    procs.push(p);
    return p;
  };
  const until = async (what: string, check: () => Promise<boolean>, ms: number): Promise<void> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}\n${procs.map((p) => `--- ${p.name}\n${p.output.join('').slice(-2000)}`).join('\n')}`);
  };

  beforeAll(async () => {
    // bin/voluntree.js runs the built engine (out/main/cli.js): build it as CI would.
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: ROOT, stdio: 'ignore' });
    redis = await startTestRedisServer();
    sim = await createGraphSimulator({ log: memoryLogger(), clock: systemClock, pageId: PAGE_ID, pageToken: PAGE_TOKEN });
    port = await freePort();
    start('app', 'serve', { VOLUNTREE_PORT: String(port), VOLUNTREE_TOKEN: TOKEN, FB_PAGE_ID: PAGE_ID, FB_PAGE_TOKEN: PAGE_TOKEN, FB_APP_SECRET: APP_SECRET });
    await until('the app', async () => (await health()).redis.up, 60_000);
    start('worker-1', 'worker', {});
    start('worker-2', 'worker', {});
    await until('both workers with the Page connection', async () => ((await health()).processes ?? []).filter((p) => p.role === 'worker' && p.sendsGraph).length === 2, 60_000);
  }, 150_000);

  afterAll(async () => {
    for (const p of procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        await new Promise((r) => p.child.once('exit', r));
      }
    }
    await sim?.close();
    await redis?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  it('records every comment once and sends every reply once, with no failed job', async () => {
    const day = new Date(Date.now() + 5 * 24 * 3600_000).toISOString().slice(0, 10);
    const event = await rpc<EventView>('events.create', {
      title: 'Harbour clean-up', location: 'North quay',
      slots: [
        { title: 'Morning', start: `${day}T09:00:00Z`, end: `${day}T12:00:00Z`, capacity: 1000 },
        { title: 'Afternoon', start: `${day}T13:00:00Z`, end: `${day}T16:00:00Z`, capacity: 1000 },
      ],
    });
    await rpc('events.publish', { id: event.id });
    let postId = '';
    await until('the post', async () => Boolean((postId = (await rpc<EventView>('events.get', { id: event.id })).postId ?? '')), 20_000);

    const ids: string[] = [];
    const bodies: string[] = [];
    for (let b = 0; b < 100; b += 1) {
      const changes = Array.from({ length: 10 }, (_, k) => {
        const n = b * 10 + k;
        const commentId = `${postId.split('_')[1]}_${8_000_000 + n}`;
        ids.push(commentId);
        return commentChange({ pageId: PAGE_ID, postId, commentId, from: { id: `8${String(n).padStart(6, '0')}`, name: `Helper${n} Many` }, message: TEXTS[n % TEXTS.length]! });
      });
      bodies.push(JSON.stringify(webhookPayload([feedEntry(PAGE_ID, changes)])));
    }
    const victim = procs.find((p) => p.name === 'worker-1')!;
    let killedHolding: Record<string, number> | null = null;
    const deliver = async (body: string): Promise<void> => {
      const res = await deliverSigned(`http://127.0.0.1:${port}/webhooks/facebook`, APP_SECRET, body);
      expect(res.status, res.text).toBe(200);
    };
    for (const body of bodies.slice(0, 50)) await deliver(body);
    // The second half in one burst; worker-1 is killed without warning while it holds entries.
    const rest = Promise.all(bodies.slice(50).map(deliver));
    // Frozen (SIGSTOP) and looked at in Redis, thawed and tried again until it is caught
    // holding entries, as the fault suite does: a worker holds a batch for milliseconds only, so
    // polling a running one missed it on a busy machine. Frozen, it is also seen with the
    // replies it dies holding in the window between Meta's acceptance and the sent marker:
    // those its retried jobs send once more, by design (docs/pipeline.md, "Residual risk").
    // Killed without that look, as this test first was, a busy machine left ~10 replies in
    // flight at the kill, and the test could not tell them from doubled replies.
    const watcher = new Redis(redis.url);
    const pid = victim.child.pid!;
    let probe: Awaited<ReturnType<typeof repliesInTheWindow>> | null = null;
    try {
      for (let attempt = 1; attempt <= 150 && !killedHolding; attempt += 1) {
        victim.child.kill('SIGSTOP');
        // Commands it sent just before freezing still reach Redis; look after they land.
        await sleep(20);
        const [pre, cls] = [await heldBy(watcher, pid, ['preprocess']), await heldBy(watcher, pid, ['classifier'])];
        if (pre + cls > 0) {
          killedHolding = { ...(pre ? { [PREPROCESS_GROUP]: pre } : {}), ...(cls ? { [CLASSIFIER_GROUP]: cls } : {}) };
          probe = await repliesInTheWindow(watcher, () => sim.calls());
          break;
        }
        victim.child.kill('SIGCONT');
        await sleep(30 + ((attempt * 37) % 120));
      }
    } finally {
      if (!killedHolding) victim.child.kill('SIGCONT');
    }
    victim.child.kill('SIGKILL');
    const window: WindowReply[] = (await probe?.afterKill()) ?? [];
    watcher.disconnect();
    await rest;
    console.log(`worker-1 SIGKILLed holding ${JSON.stringify(killedHolding)}; replies in the window: ${window.length}${window.length ? ` (${window.map((w) => `${w.count} ${w.target}`).join(', ')})` : ''}`);
    expect(killedHolding, 'worker-1 held stream entries when it was killed').not.toBeNull();

    // Its entries are claimed by the others after the consumers' idle time (30 s), its jobs after BullMQ's stall check.
    let report = await health();
    let comments: CommentView[] = [];
    await until('every comment recorded and the pipeline idle', async () => {
      report = await health();
      comments = await rpc<CommentView[]>('comments.list', { eventId: event.id, limit: 1000 });
      return comments.length >= 1000 && pipelineIdle(report);
    }, 110_000).catch((err: Error) => {
      throw new Error(`${err.message}\nstill busy: ${busyParts(report)}`);
    });

    expect(new Set(comments.map((c) => c.id)).size).toBe(1000);
    expect([...ids].sort()).toEqual(comments.map((c) => c.id).sort());
    expect(comments.flatMap((c) => c.replyProblems)).toEqual([]);
    for (const [name, q] of Object.entries(report.queues)) expect(q.failed, `${name} failed`).toBe(0);
    expect(report.streams['stream:dead']?.length ?? 0).toBe(0);

    // Every signup got one public reply and one private reply, counted where they arrive, and
    // one more of each reply the killed worker died holding in the window.
    const resent = (count: WindowReply['count'], id: string) => window.filter((w) => w.count === count && w.target === id).length;
    const list = await rpc<EventSignups>('signups.list', { eventId: event.id });
    const signedUp = new Set(list.slots.flatMap((s) => s.signups.map((x) => x.volunteerId)));
    const t = tallyReplies(sim.calls());
    const problems: string[] = [];
    for (const c of comments) {
      const pub = t.publicAccepted.get(c.id) ?? 0;
      const priv = t.privateAttempts.get(c.id) ?? 0;
      const want = c.authorId && signedUp.has(`fb_${c.authorId}`) ? 1 : 0;
      const [wantPub, wantPriv] = [1 + resent('public', c.id), 1 + resent('private', c.id)];
      if (pub > wantPub || priv > wantPriv || (want === 1 && (pub !== wantPub || priv !== wantPriv))) problems.push(`${c.id} (${c.intent}): public ${pub}, private ${priv}`);
    }
    expect(problems).toEqual([]);
    expect(signedUp.size).toBeGreaterThan(900);
    // The killed worker drops out of /healthz by itself once its presence key expires (15 s
    // after its last beat): when the pipeline caught up sooner than that, wait for it.
    await until('the killed worker gone from /healthz', async () => ((await health()).processes ?? []).length === 2, 25_000);
    const live = (await health()).processes ?? [];
    expect(live.map((p) => p.role).sort()).toEqual(['app', 'worker']);
    expect(live.some((p) => p.pid === victim.child.pid)).toBe(false);
  }, 180_000);
});
