import type { Job, Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../../test/support/redis';
import { memoryLogger } from '../../log';
import type { EmailJob } from '../effects';
import type { EmailSender } from '../email/email-sender';
import { FakeGraph } from '../testing/fake-graph';
import type { DbWriteJob } from './db-write-queue';
import { emailProcessor } from './email-queue';
import { notifyProcessor, type NotifyJob } from './notify-queue';
import { SEND_CLAIM_MS, SendInProgressError, sendOnce } from './send-once';

/** What a processor reads of a BullMQ job: its data, id and attempts. */
const jobOf = <T>(data: T, id = 'j1'): Job<T> => ({ id, data, attemptsMade: 0, opts: { attempts: 5 } }) as unknown as Job<T>;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sendOnce: two runs of one send never both send', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await testRedis();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('lets one of two overlapping runs send; the other is told to try again, and then finds it sent', async () => {
    const marker = t.keys.sentMarker('public', 'c1');
    let sends = 0;
    const send = async () => {
      sends += 1;
      await pause(200);
      await t.redis.set(marker, '1');
      return 'sent';
    };
    const [a, b] = await Promise.allSettled([sendOnce(t.redis, marker, 'skipped', send), sendOnce(t.redis, marker, 'skipped', send)]);
    expect(sends).toBe(1);
    const outcomes = [a, b].map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).name)).sort();
    expect(outcomes).toEqual(['SendInProgressError', 'sent']);
    // The retry of the refused run.
    expect(await sendOnce(t.redis, marker, 'skipped', send)).toBe('skipped');
    expect(sends).toBe(1);
    expect(await t.redis.exists(`${marker}:sending`)).toBe(0);
  });

  it('releases the claim when the send fails, so the retry can send', async () => {
    const marker = t.keys.sentMarker('public', 'c2');
    await expect(sendOnce(t.redis, marker, null, () => Promise.reject(new Error('Graph 503')))).rejects.toThrow('Graph 503');
    expect(await t.redis.exists(`${marker}:sending`)).toBe(0);
    expect(await sendOnce(t.redis, marker, null, () => Promise.resolve('second try'))).toBe('second try');
  });

  it('leaves a claim it no longer owns (it expired and another run took it)', async () => {
    const marker = t.keys.sentMarker('public', 'c3');
    const claim = `${marker}:sending`;
    await sendOnce(t.redis, marker, null, async () => {
      // As if this run outlived its claim and another run claimed the send.
      await t.redis.set(claim, 'another run', 'PX', SEND_CLAIM_MS);
      return null;
    });
    expect(await t.redis.get(claim)).toBe('another run');
    await expect(sendOnce(t.redis, marker, null, () => Promise.resolve(null))).rejects.toBeInstanceOf(SendInProgressError);
  });

  it('sends one email when two runs of the same email job overlap', async () => {
    const sent: string[] = [];
    const sender: EmailSender = {
      configured: () => true,
      close: () => undefined,
      send: async (to) => {
        await pause(200);
        sent.push(to);
      },
    };
    const recorded: DbWriteJob[] = [];
    const run = emailProcessor({ sender, redis: t.redis, keys: t.keys, log: memoryLogger(), now: () => 1, record: async (j) => void recorded.push(j) });
    const job: EmailJob = { kind: 'broadcast', key: 'b1.v1', to: 'ana@example.org', subject: 'Update', text: 'See you Saturday', delivery: { broadcastId: 'b1', volunteerId: 'v1' } };
    const results = await Promise.allSettled([run(jobOf(job, 'email_1')), run(jobOf(job, 'email_1'))]);
    expect(sent).toEqual(['ana@example.org']);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(SendInProgressError)]);
    await run(jobOf(job, 'email_1'));
    expect(sent).toHaveLength(1);
    expect(recorded.filter((r) => r.type === 'delivery')).toHaveLength(1);
  });

  it('sends one Messenger copy of a broadcast when two runs of it overlap', async () => {
    class SlowGraph extends FakeGraph {
      override async sendMessage(...args: Parameters<FakeGraph['sendMessage']>) {
        await pause(200);
        return super.sendMessage(...args);
      }
    }
    const graph = new SlowGraph();
    // The person wrote to the Page a minute ago: a normal Messenger message is allowed.
    const now = Date.now();
    await t.redis.hset(t.keys.psidLastMessage, 'psid_1', String(now - 60_000));
    const run = notifyProcessor({
      graph, redis: t.redis, keys: t.keys, now: () => now, template: () => ({ name: '', language: 'en' }),
      emailQueue: () => ({}) as Queue<EmailJob>, record: async () => undefined, limiter: () => ({ rateLimit: async () => undefined }),
    });
    const job: NotifyJob = { broadcastId: 'b2', volunteerId: 'v1', channel: 'messenger', psid: 'psid_1', email: null, subject: 'Update', text: 'Bring gloves' };
    await Promise.allSettled([run(jobOf(job, 'notify_1')), run(jobOf(job, 'notify_1'))]);
    expect(graph.of('sendMessage')).toHaveLength(1);
    expect(await run(jobOf(job, 'notify_1'))).toEqual({ channel: 'messenger' });
    expect(graph.of('sendMessage')).toHaveLength(1);
  });
});
