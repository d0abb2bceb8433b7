import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { ManualClock } from '../clock';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { LiveBus } from '../live';
import { memoryLogger, type Logger } from '../log';
import type { EngineContext } from '../module';
import { QueueFactory } from '../queues/factory';
import { parseRedisUrl } from '../redis/endpoint';
import type { ReplyJob } from './effects';
import { createPipelineModule } from './pipeline-module';
import type { DbWriteJob } from './queues/db-write-queue';
import { GRAPH_JOB_OPTIONS, jobIdFor } from './queues/job-ids';
import { FakeGraph } from './testing/fake-graph';
import { until } from './testing/harness';

describe('pipeline in the worker role', () => {
  let t: TestRedis;
  let queues: QueueFactory;
  beforeEach(async () => {
    t = await testRedis();
    queues = new QueueFactory(parseRedisUrl(t.url), t.keys.bullPrefix, memoryLogger());
  });
  afterEach(async () => {
    await queues.closeAll();
    await t.cleanup();
  });

  /** A worker's context: Redis and the queues, no store (workers never touch the lowdb files). */
  const workerContext = (log: Logger): EngineContext => ({
    role: 'worker', log, clock: new ManualClock(), keys: t.keys, redis: t.redis, redisEndpoint: parseRedisUrl(t.url),
    gears: new Gears(t.redis, preparedGears()), store: null, live: new LiveBus(t.redis, null, t.keys.liveChannel, new ManualClock(), log), queues, dataDir: '/nonexistent',
  });

  it('sends replies without the store and hands what it learned to the app through db-write', async () => {
    const log = memoryLogger();
    const graph = new FakeGraph();
    const ctx = workerContext(log);
    const module = createPipelineModule(ctx, { graph, email: () => null, smtpPassword: () => null });
    expect(module.handlers).toBeUndefined();
    await module.start!();
    expect(module.state()).toBeNull();
    const job: ReplyJob = { kind: 'private', key: 'post_1', to: { commentId: 'post_1', private: true }, text: 'Thanks!', volunteerId: 'fb_1' };
    await queues.queue<ReplyJob>('reply').add('private', job, { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor(job.kind, job.key) });
    await until('the reply is sent', () => graph.of('privateReply').length === 1);
    await until('the PSID is handed on', async () => (await queues.queue<DbWriteJob>('db-write').getWaitingCount()) === 1);
    const [learned] = await queues.queue<DbWriteJob>('db-write').getWaiting();
    expect(learned!.data).toMatchObject({ type: 'psid', volunteerId: 'fb_1', psid: graph.psidOf('post_1') });
    // The same reply queued again (a replay) is not sent again.
    await queues.queue<ReplyJob>('reply').add('private', job, { ...GRAPH_JOB_OPTIONS, jobId: `${jobIdFor(job.kind, job.key)}-again` });
    await until('the replay is done', async () => (await queues.queue('reply').getCompletedCount()) + (await queues.queue('reply').getWaitingCount()) === 0 && (await queues.queue('reply').getActiveCount()) === 0);
    expect(graph.of('privateReply')).toHaveLength(1);
    await module.stop!();
  });

  it('sends a reply once when two processes run it at the same time', async () => {
    // Two runs of one reply at once (a job taken as stalled and handed on, or queued twice):
    // each used to pass the sent-marker check before either set it, and both sent.
    class SlowGraph extends FakeGraph {
      override async replyToComment(commentId: string, message: string) {
        await new Promise((r) => setTimeout(r, 400));
        return super.replyToComment(commentId, message);
      }
    }
    const graph = new SlowGraph();
    const a = createPipelineModule(workerContext(memoryLogger()), { graph, email: () => null, smtpPassword: () => null });
    const b = createPipelineModule(workerContext(memoryLogger()), { graph, email: () => null, smtpPassword: () => null });
    await a.start!();
    await b.start!();
    const job: ReplyJob = { kind: 'public', key: 'post_3', to: { commentId: 'post_3', private: false }, text: 'See you there!', volunteerId: null };
    const reply = queues.queue<ReplyJob>('reply');
    await Promise.all([
      reply.add('public', job, { ...GRAPH_JOB_OPTIONS, backoff: { type: 'fixed', delay: 200 }, jobId: jobIdFor(job.kind, job.key) }),
      reply.add('public', job, { ...GRAPH_JOB_OPTIONS, backoff: { type: 'fixed', delay: 200 }, jobId: `${jobIdFor(job.kind, job.key)}-twin` }),
    ]);
    await until('both runs are done', async () => (await reply.getCompletedCount()) + (await reply.getWaitingCount()) + (await reply.getActiveCount()) + (await reply.getDelayedCount()) === 0, 10_000);
    expect(graph.of('replyToComment')).toHaveLength(1);
    expect(await reply.getFailedCount()).toBe(0);
    await a.stop!();
    await b.stop!();
  });

  it('takes no reply or notify job without a Page connection, and leaves them for a process that has one', async () => {
    const log = memoryLogger();
    const graph = new FakeGraph();
    const ctx = workerContext(log);
    const module = createPipelineModule(ctx, { graph, sendsGraph: () => false, email: () => null, smtpPassword: () => null });
    await module.start!();
    const job: ReplyJob = { kind: 'private', key: 'post_2', to: { commentId: 'post_2', private: true }, text: 'Thanks!', volunteerId: 'fb_2' };
    await queues.queue<ReplyJob>('reply').add('private', job, { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor(job.kind, job.key) });
    // Give a worker that would take it ample time to (the sending test above takes it in ms).
    await new Promise((r) => setTimeout(r, 1500));
    expect(graph.of('privateReply')).toHaveLength(0);
    expect(await queues.queue('reply').getWaitingCount()).toBe(1);
    expect(await queues.queue('reply').getFailedCount()).toBe(0);
    expect(log.lines.some((l) => /no Page connection/.test(l))).toBe(true);
    await module.stop!();

    // A process with the connection (here: the same role with sendsGraph true) then sends it once.
    const sending = createPipelineModule(ctx, { graph, sendsGraph: () => true, email: () => null, smtpPassword: () => null });
    await sending.start!();
    await until('the waiting reply is sent', () => graph.of('privateReply').length === 1);
    expect(await queues.queue('reply').getFailedCount()).toBe(0);
    await sending.stop!();
  });

  it('stops taking reply jobs when the handed-out connection goes away, and takes them again when it is back', async () => {
    const log = memoryLogger();
    const graph = new FakeGraph();
    const ctx = workerContext(log);
    let connected = true;
    const listeners = new Set<() => void>();
    const set = (v: boolean): void => {
      connected = v;
      for (const l of listeners) l();
    };
    const module = createPipelineModule(ctx, {
      graph, sendsGraph: () => connected, onSendsGraphChange: (cb) => (listeners.add(cb), () => listeners.delete(cb)), email: () => null, smtpPassword: () => null,
    });
    await module.start!();
    const reply = (n: number): ReplyJob => ({ kind: 'private', key: `post_c${n}`, to: { commentId: `post_c${n}`, private: true }, text: 'Thanks!', volunteerId: `fb_c${n}` });
    const add = async (j: ReplyJob): Promise<void> => {
      await queues.queue<ReplyJob>('reply').add('private', j, { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor(j.kind, j.key) });
    };
    await add(reply(1));
    await until('the first reply is sent', () => graph.of('privateReply').length === 1);

    set(false);
    // pause() resolves once the worker holds no job; give it a moment before queueing more.
    await new Promise((r) => setTimeout(r, 300));
    await add(reply(2));
    await new Promise((r) => setTimeout(r, 1500));
    expect(graph.of('privateReply')).toHaveLength(1);
    expect(await queues.queue('reply').getWaitingCount()).toBe(1);
    expect(await queues.queue('reply').getFailedCount()).toBe(0);

    set(true);
    await until('the waiting reply is sent once the connection is back', () => graph.of('privateReply').length === 2);
    expect(await queues.queue('reply').getFailedCount()).toBe(0);
    expect(log.lines.some((l) => /connection is back/.test(l))).toBe(true);
    await module.stop!();
  });
});
