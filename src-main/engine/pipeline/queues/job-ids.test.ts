import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineContext } from '../../../../test/support/engine-context';
import { prng } from '../../../../test/support/prng';
import { testRedis, type TestRedis } from '../../../../test/support/redis';
import type { EngineContext } from '../../module';
import { dbWriteJobId } from './db-write-queue';
import { jobIdFor, jobIdOf, jobIdParts } from './job-ids';

describe('job ids', () => {
  it('gives comments whose ids differ only by ":" and "_" different job ids, with no ":"', () => {
    const a = jobIdFor('private', '123_456:7');
    const b = jobIdFor('private', '123_456_7');
    expect(a).not.toBe(b);
    expect(a).not.toContain(':');
    expect(jobIdParts(a)).toEqual(['private', '123_456:7']);
  });

  it('keeps ids without the escaped characters as they were', () => {
    expect(jobIdFor('signup.public', '1234_5678')).toBe('signup.public|1234_5678');
  });

  it('is injective over random part lists, separators and escapes included', () => {
    const rand = prng(20261203);
    const alphabet = ['a', '1', '_', ':', '|', '%', '3', 'A', '%3A', '🙋', ''];
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i += 1) {
      const n = 1 + Math.floor(rand() * 3);
      const parts = Array.from({ length: n }, () => Array.from({ length: Math.floor(rand() * 4) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
      const id = jobIdOf(...parts);
      const key = JSON.stringify(parts);
      const before = seen.get(id);
      if (before !== undefined) expect(before, `${id} made from two part lists`).toBe(key);
      seen.set(id, key);
      expect(id).not.toContain(':');
      expect(jobIdParts(id)).toEqual(parts);
    }
  });

  describe('against BullMQ', () => {
    let t: TestRedis;
    let ctx: EngineContext;
    beforeEach(async () => {
      t = await testRedis();
      ctx = await engineContext(t);
    });
    afterEach(async () => {
      await ctx.queues.closeAll();
      await t.cleanup();
    });

    it('accepts a PSID job whose ids hold ":" (it used to refuse it, and the PSID was lost)', async () => {
      const q = ctx.queues.queue('db-write');
      const id = dbWriteJobId({ type: 'psid', volunteerId: 'fb_1:2', psid: '998877' } as Parameters<typeof dbWriteJobId>[0]);
      await expect(q.add('psid', { x: 1 }, { jobId: id })).resolves.toMatchObject({ id });
      const other = dbWriteJobId({ type: 'psid', volunteerId: 'fb_1_2', psid: '998877' } as Parameters<typeof dbWriteJobId>[0]);
      await q.add('psid', { x: 2 }, { jobId: other });
      expect(await q.getWaitingCount()).toBe(2);
    });
  });
});
