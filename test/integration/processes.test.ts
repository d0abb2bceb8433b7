import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src-main/contract';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { systemClock } from '../../src-main/engine/clock';
import type { ReplyJob } from '../../src-main/engine/pipeline/effects';
import { GRAPH_JOB_OPTIONS, jobIdFor } from '../../src-main/engine/pipeline/queues/job-ids';
import { QueueFactory } from '../../src-main/engine/queues/factory';
import { parseRedisUrl } from '../../src-main/engine/redis/endpoint';
import { createGraphSimulator, type GraphSimulator } from '../../src-main/simulator/graph-simulator';
import { until } from '../../src-main/engine/pipeline/testing/harness';
import { testRedis, type TestRedis } from '../support/redis';
import { createDemoModule } from '../../src-main/simulator/demo';

/** The app and a `voluntree worker` on one Redis: /healthz lists both while they live. */
describe('/healthz lists the live processes', () => {
  let t: TestRedis;
  let app: Engine;
  let worker: Engine;
  const dirs: string[] = [];

  const engine = (role: 'app' | 'worker', env: Record<string, string> = {}): Engine => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `vt-proc-${role}-`));
    dirs.push(dataDir);
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: 'proc-token-0123456789', VOLUNTREE_TUNNEL: 'off', REDIS_URL: t.url, ...env });
    return createEngine({ demo: createDemoModule, config, role, log: memoryLogger(), prefix: t.prefix });
  };

  beforeAll(async () => {
    t = await testRedis();
    app = engine('app');
    await app.start();
    worker = engine('worker');
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await app?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await t?.cleanup();
  });

  const health = async (): Promise<HealthReport> => (await (await fetch(`${app.httpUrl}/healthz`)).json()) as HealthReport;

  it('shows the app and the worker with a fresh heartbeat and what each may send, and drops a stopped worker', async () => {
    const h = await health();
    const roles = (h.processes ?? []).map((p) => [p.role, p.pid, p.sendsGraph]);
    expect(roles).toEqual([
      ['app', process.pid, true],
      // Demo mode: the app hands out its simulator's address, so the worker sends replies too.
      ['worker', process.pid, true],
    ]);
    for (const p of h.processes!) {
      expect(p.lastBeatMsAgo).toBeLessThan(10_000);
      expect(p.host).toBe(os.hostname());
      expect(p.pending).toEqual({});
    }
    // A process killed without stopping drops out by itself: its key expires.
    const ttl = await t.redis.pttl(t.keys.presence(h.processes![1]!.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(15_000);

    await worker.stop();
    expect(((await health()).processes ?? []).map((p) => p.role)).toEqual(['app']);
  });
});

/**
 * Live mode: the app seals its Page connection with VOLUNTREE_WORKER_KEY; a worker with the
 * same key sends replies (the simulator refuses any other token, so a sent reply proves the
 * worker opened the right one), one with another key or none takes no Graph job.
 */
describe('the Page connection handed to workers', () => {
  const KEY = 'worker-key-for-tests-0123456789';
  const PAGE_ID = '104857600777001';
  const PAGE_TOKEN = `EAAGproc${Math.random().toString(36).slice(2)}secret`;
  let t: TestRedis;
  let sim: GraphSimulator;
  let app: Engine;
  const workers: Engine[] = [];
  const logs = new Map<string, ReturnType<typeof memoryLogger>>();
  const dirs: string[] = [];
  let queues: QueueFactory;

  const engine = (name: string, role: 'app' | 'worker', env: Record<string, string>): Engine => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `vt-seal-${name}-`));
    dirs.push(dataDir);
    const log = memoryLogger();
    logs.set(name, log);
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: 'seal-token-0123456789', VOLUNTREE_TUNNEL: 'off', REDIS_URL: t.url, ...env });
    return createEngine({ demo: createDemoModule, config, role, log, prefix: t.prefix });
  };

  beforeAll(async () => {
    t = await testRedis();
    sim = await createGraphSimulator({ log: memoryLogger(), clock: systemClock, pageId: PAGE_ID, pageToken: PAGE_TOKEN });
    app = engine('app', 'app', { FB_PAGE_ID: PAGE_ID, FB_PAGE_TOKEN: PAGE_TOKEN, FB_GRAPH_URL: sim.url, VOLUNTREE_WORKER_KEY: KEY });
    await app.start();
    // In one test process the workers share a presence key (role, host, pid): the one with the
    // wrong key starts last, so its entry is the one /healthz shows.
    for (const [name, env] of [['keyed', { VOLUNTREE_WORKER_KEY: KEY }], ['keyless', {}], ['wrong', { VOLUNTREE_WORKER_KEY: 'not-the-operators-key-42' }]] as const) {
      const w = engine(name, 'worker', env);
      await w.start();
      workers.push(w);
    }
    queues = new QueueFactory(parseRedisUrl(t.url), t.keys.bullPrefix, memoryLogger());
  });
  afterAll(async () => {
    await queues?.closeAll();
    for (const w of workers) await w.stop();
    await app?.stop();
    await sim?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await t?.cleanup();
  });

  it('keeps the token sealed in Redis and shows in /healthz which worker can send and why one cannot', async () => {
    const raw = await t.redis.get(t.keys.graphConnection);
    expect(raw).toBeTruthy();
    expect(raw).not.toContain(PAGE_TOKEN);
    expect(JSON.parse(raw!)).toMatchObject({ mode: 'live', sealed: { v: 1 } });

    // keyed, keyless, wrong: only the first may send; only the last has something to fix.
    expect(workers.map((w) => [w.services!.sendsGraph(), Boolean(w.services!.graphProblem())])).toEqual([[true, false], [false, false], [false, true]]);
    const h = (await (await fetch(`${app.httpUrl}/healthz`)).json()) as HealthReport;
    expect((h.processes ?? []).map((p) => [p.role, p.sendsGraph, p.graphProblem ?? null])).toEqual([
      ['app', true, null],
      ['worker', false, expect.stringMatching(/another VOLUNTREE_WORKER_KEY/)],
    ]);
    expect(h.ok).toBe(false);
    expect(h.problems.some((p) => /takes no replies or updates: the Page connection in Redis is sealed with another VOLUNTREE_WORKER_KEY/.test(p))).toBe(true);
    expect(JSON.stringify(h)).not.toContain(PAGE_TOKEN);
    // The wrong key is said once, in the worker's own log, and never the key itself.
    const wrong = logs.get('wrong')!.lines;
    expect(wrong.filter((l) => /another VOLUNTREE_WORKER_KEY/.test(l))).toHaveLength(1);
    expect(wrong.join('\n')).not.toContain('not-the-operators-key-42');
    expect(logs.get('keyless')!.lines.some((l) => /no VOLUNTREE_WORKER_KEY/.test(l))).toBe(true);
  });

  it('a worker with the key sends replies while the app is away; the others take none', async () => {
    // The live connection stays in Redis when the app stops, so replies keep going out.
    await app.stop();
    const before = sim.calls({ pathIncludes: '/comments' }).length;
    const jobs: ReplyJob[] = [1, 2, 3].map((n) => ({ kind: 'public', key: `${PAGE_ID}_p_c${n}`, to: { commentId: `${PAGE_ID}_p_c${n}`, private: false }, text: 'Thank you!', volunteerId: null }));
    for (const j of jobs) await queues.queue<ReplyJob>('reply').add(j.kind, j, { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor(j.kind, j.key) });
    await until('the replies are sent', () => sim.calls({ pathIncludes: '/comments' }).length - before === 3, 15_000);
    const calls = sim.calls({ pathIncludes: '/comments' }).slice(before);
    expect(calls.every((c) => c.status === null || c.status === 200)).toBe(true);
    expect(await queues.queue('reply').getFailedCount()).toBe(0);
    // Only the keyed worker runs a reply worker at all: the others said they leave replies to the app.
    for (const name of ['wrong', 'keyless']) expect(logs.get(name)!.lines.some((l) => /leaves reply and notify jobs to the app/.test(l)), name).toBe(true);
    expect(logs.get('keyed')!.lines.some((l) => /leaves reply and notify jobs/.test(l))).toBe(false);
  });
});
