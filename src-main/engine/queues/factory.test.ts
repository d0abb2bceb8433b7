import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { memoryLogger } from '../log';
import { replyJobSchema } from '../pipeline/queues/job-schemas';
import type { ReplyJob } from '../pipeline/effects';
import { parseRedisUrl } from '../redis/endpoint';
import { QUEUE_NAMES } from '../keys';
import { QueueFactory } from './factory';

describe('QueueFactory.worker with a job schema', () => {
  let t: TestRedis;
  let queues: QueueFactory;
  const seen: unknown[] = [];
  const log = memoryLogger();

  beforeAll(async () => {
    t = await testRedis();
    queues = new QueueFactory(parseRedisUrl(t.url), t.keys.bullPrefix, log);
    queues.worker<ReplyJob>(QUEUE_NAMES.reply, async (job) => void seen.push(job.data), { schema: replyJobSchema });
  });
  afterAll(async () => {
    await queues.closeAll();
    await t.cleanup();
  });

  it('hands a job that matches to the processor, and fails one that does not at once, naming the field', async () => {
    const q = queues.queue(QUEUE_NAMES.reply);
    const good: ReplyJob = { kind: 'signup.public', key: 'c1', to: { commentId: 'c1', private: false }, text: 'Thanks!', volunteerId: null };
    await q.add('reply', good, { jobId: 'good', attempts: 5 });
    // As another build (or a hand-made job) could leave it: no text, a number for the comment.
    await q.add('reply', { kind: 'signup.public', key: 'c2', to: { commentId: 42, private: false }, volunteerId: null }, { jobId: 'bad', attempts: 5 });
    await expect.poll(async () => (await q.getJob('bad'))?.failedReason ?? null, { timeout: 10_000 }).toMatch(/job data does not match the reply job: to/);
    await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(1);
    expect(seen).toEqual([good]);
    // Failed for good: no retries were spent on it.
    expect((await q.getJob('bad'))!.attemptsMade).toBe(1);
  });
});
