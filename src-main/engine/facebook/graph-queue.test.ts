import type { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { createGraphSimulator, type GraphSimulator } from '../../simulator/graph-simulator';
import { ManualClock } from '../clock';
import { QUEUE_NAMES } from '../keys';
import { memoryLogger } from '../log';
import { QueueFactory } from '../queues/factory';
import { parseRedisUrl } from '../redis/endpoint';
import { GraphClient } from './graph-client';
import { failGraphJob, GRAPH_WORKER_LIMITER } from './graph-queue';

interface ReplyJob {
  commentId: string;
  text: string;
}

describe('Graph failures in a BullMQ queue', () => {
  let t: TestRedis;
  let sim: GraphSimulator;
  let queues: QueueFactory;
  let startWorker: (factory?: QueueFactory) => void;
  /** When each Graph call was made (wall clock), whichever worker made it. */
  let callTimes: number[];

  beforeEach(async () => {
    t = await testRedis();
    const log = memoryLogger();
    const clock = new ManualClock();
    sim = await createGraphSimulator({ log, clock });
    const graph = new GraphClient({ baseUrl: () => sim.url, version: () => 'v25.0', pageId: () => sim.pageId, pageToken: () => 'page-token', clock, log, timeoutMs: 2_000 });
    queues = new QueueFactory(parseRedisUrl(t.url), t.keys.bullPrefix, log);
    const queue = queues.queue<ReplyJob>(QUEUE_NAMES.reply);
    callTimes = [];
    startWorker = (factory = queues) =>
      void factory.worker<ReplyJob>(QUEUE_NAMES.reply, async (job: Job<ReplyJob>) => {
        try {
          callTimes.push(Date.now());
          return await graph.replyToComment(job.data.commentId, job.data.text);
        } catch (err) {
          return failGraphJob(err, queue);
        }
      }, { concurrency: 4, limiter: GRAPH_WORKER_LIMITER });
    startWorker();
  });
  afterEach(async () => {
    await queues.closeAll();
    await sim.close();
    await t.cleanup();
  });

  const add = (attempts = 5) =>
    queues.queue<ReplyJob>(QUEUE_NAMES.reply).add('reply', { commentId: '555_1', text: 'Thanks!' }, { attempts, backoff: { type: 'fixed', delay: 10 } });

  it('pauses the queue for the advertised time and keeps the attempt', async () => {
    sim.failNext({ kind: 'rate_limit', code: 32, minutes: 2 });
    const job = await add();
    const queue = queues.queue<ReplyJob>(QUEUE_NAMES.reply);
    await vi.waitFor(async () => {
      expect(sim.calls()).toHaveLength(1);
      expect(await job.getState()).toBe('waiting');
    }, { timeout: 10_000, interval: 20 });
    const ttl = await queue.getRateLimitTtl();
    // Meta said two minutes: the queue waits about that long (never the default backoff).
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
    expect((await queue.getJob(job.id!))?.attemptsMade).toBe(0);

    // Skip the two minutes: lift the limit and restart the worker (it sleeps through the limit).
    await queue.removeRateLimitKey();
    await queues.closeWorkers();
    startWorker();
    await vi.waitFor(async () => expect(await job.getState()).toBe('completed'), { timeout: 10_000, interval: 20 });
    expect(sim.calls()).toHaveLength(2);
  });

  it('holds every worker of the queue for the advertised time, not only the one Meta answered', async () => {
    // A second worker with its own connections, as on another machine.
    const other = new QueueFactory(parseRedisUrl(t.url), t.keys.bullPrefix, memoryLogger());
    try {
      startWorker(other);
      sim.failNext({ kind: 'rate_limit', code: 80001, minutes: 0.05 });
      const first = await add();
      await vi.waitFor(() => expect(sim.calls()).toHaveLength(1), { timeout: 10_000, interval: 10 });
      const limitedAt = Date.now();
      const rest = await Promise.all(Array.from({ length: 6 }, () => add()));
      await vi.waitFor(async () => {
        for (const j of [first, ...rest]) expect(await j.getState()).toBe('completed');
      }, { timeout: 20_000, interval: 50 });
      // 0.05 minutes is 3 s: no call before it is up (50 ms for timer granularity).
      const next = callTimes.slice(1).sort((a, b) => a - b)[0]!;
      expect(next - limitedAt).toBeGreaterThanOrEqual(3_000 - 50);
      expect(sim.calls()).toHaveLength(8);
    } finally {
      await other.closeAll();
    }
  });

  it('fails a permanent error once, with the sentence for the coordinator', async () => {
    sim.failNext({ kind: 'permanent', code: 100, subcode: 33 }, 10);
    const job = await add(5);
    await vi.waitFor(async () => expect(await job.getState()).toBe('failed'), { timeout: 10_000, interval: 20 });
    const failed = await queues.queue<ReplyJob>(QUEUE_NAMES.reply).getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/no longer exists/);
    expect(sim.calls()).toHaveLength(1);
  });

  it('retries transient failures with backoff until one succeeds', async () => {
    sim.failNext({ kind: 'server_error' }, 2);
    const job = await add(5);
    await vi.waitFor(async () => expect(await job.getState()).toBe('completed'), { timeout: 10_000, interval: 20 });
    expect(sim.calls()).toHaveLength(3);
  });
});
