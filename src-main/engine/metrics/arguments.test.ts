import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { MetricArguments, NEVER_EXPIRES, readValues, type TakeResult, type ValueRecord } from './arguments';

const T0 = 1_800_000_000_000;
const rec = (node: string, value: number, at = T0, validity = 60_000): ValueRecord => ({ node, value, at, expiresAt: at + validity });
const values = (r: TakeResult): number[] | null => (r.status === 'ok' ? r.values : null);
const lease = (r: TakeResult): string => {
  if (r.status !== 'ok' && r.status !== 'incomplete') throw new Error(`no lease: ${r.status}`);
  return r.lease;
};

describe('vt_metrics gear', () => {
  let t: TestRedis;
  let args: MetricArguments;
  beforeEach(async () => {
    t = await testRedis();
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    args = new MetricArguments(gears, t.keys, t.redis);
  });
  afterEach(() => t.cleanup());

  /** One value written as one change that reaches `parent` (nothing pending on it). */
  const give = (r: ValueRecord, parent: string) => args.change([{ rec: r, parents: [parent] }], [{ node: parent, pending: [] }]);

  it('hands a full fresh set to exactly one of many concurrent takers, then forgets it', async () => {
    for (const n of ['C', 'D', 'E']) await give(rec(n, n.charCodeAt(0)), 'A');
    const results = await Promise.all(Array.from({ length: 25 }, () => args.take('A', ['C', 'D', 'E'], T0, false)));
    expect(results.filter((r) => r.status === 'ok')).toEqual([{ status: 'ok', due: 3, lease: expect.any(String), at: T0, values: [67, 68, 69] }]);
    expect(results.filter((r) => r.status !== 'ok').map((r) => r.status)).toEqual(Array.from({ length: 24 }, () => 'idle'));
    await give(rec('C', 1, T0 + 1), 'A');
    expect(await args.take('A', ['C', 'D', 'E'], T0 + 1, false)).toMatchObject({ status: 'incomplete', due: 1 });
  });

  it('keeps arguments when asked, but never hands the same set out twice', async () => {
    for (const n of ['C', 'D']) await give(rec(n, 1), 'K');
    const first = await Promise.all(Array.from({ length: 25 }, () => args.take('K', ['C', 'D'], T0, true)));
    expect(first.map(values).filter((r) => r !== null)).toEqual([[1, 1]]);
    // A change that writes nothing new (an older value) does not hand the same set out again.
    await give(rec('D', 9, T0 - 1), 'K');
    expect(await args.take('K', ['C', 'D'], T0, true)).toMatchObject({ status: 'incomplete', due: 1 });
    await give(rec('D', 5), 'K');
    const second = await Promise.all(Array.from({ length: 25 }, () => args.take('K', ['C', 'D'], T0, true)));
    expect(second.map(values).filter((r) => r !== null)).toEqual([[1, 5]]);
  });

  it('judges freshness by the time passed in and forgets expired arguments', async () => {
    await give(rec('C', 1, T0), 'A');
    await give(rec('D', 2, T0 + 30_000), 'A');
    expect(await args.take('A', ['C', 'D'], T0 + 60_000, true)).toMatchObject({ status: 'incomplete', due: 2 });
    expect(await t.redis.hexists(t.keys.metricArgs('A'), 'v:C')).toBe(0);
    expect(await t.redis.hexists(t.keys.metricArgs('A'), 'v:D')).toBe(1);
    await give(rec('C', 3, T0 + 60_000), 'A');
    expect(values(await args.take('A', ['C', 'D'], T0 + 60_000, false))).toEqual([3, 2]);
  });

  it('ignores a value older than the one held, and keeps numbers exact', async () => {
    expect(await give(rec('C', 0.1 + 0.2, T0 + 10), 'A')).toEqual([true]);
    expect(await give(rec('C', 7, T0), 'A')).toEqual([false]);
    expect(values(await args.take('A', ['C'], T0 + 10, false))).toEqual([0.1 + 0.2]);
    const [v] = await readValues(t.redis, t.keys, ['C']);
    expect(v).toEqual({ node: 'C', value: 0.1 + 0.2, at: T0 + 10, expiresAt: T0 + 60_010 });
    expect(await readValues(t.redis, t.keys, ['none'])).toEqual([null]);
  });

  it('gives an argument hash a garbage-collection expiry far behind its freshest value', async () => {
    await give(rec('C', 1, T0, 60_000), 'A');
    const ttl = await t.redis.pttl(t.keys.metricArgs('A'));
    expect(ttl).toBeGreaterThan(3_600_000);
    await give(rec('D', 1, T0, 1000), 'A');
    expect(await t.redis.pttl(t.keys.metricArgs('A'))).toBeGreaterThan(3_700_000);
  });

  it('makes a node wait for an argument the same change recomputes, and queues it when released', async () => {
    // One change gives C (an argument of A) and F; it reaches A and B = A × F, and B must wait
    // for A even though F is already there.
    await args.change(
      [
        { rec: rec('C', 2), parents: ['A'] },
        { rec: rec('F', 3), parents: ['B'] },
      ],
      [
        { node: 'A', pending: [] },
        { node: 'B', pending: ['A'] },
      ],
    );
    expect(await args.take('B', ['A', 'F'], T0, false)).toEqual({ status: 'wait' });
    const a = await args.take('A', ['C'], T0, false);
    expect(a).toMatchObject({ status: 'ok', due: 1, values: [2] });
    expect(await args.done('A', lease(a), rec('A', 2), ['B'])).toEqual({ committed: true, written: true, ready: ['B'] });
    expect(await args.take('B', ['A', 'F'], T0, false)).toMatchObject({ status: 'ok', due: 1, values: [2, 3] });
    // Released without a value (A could not compute): B still stops waiting, with nothing to take.
    await args.change([{ rec: rec('F', 4, T0 + 1), parents: ['B'] }], [{ node: 'B', pending: ['A'] }, { node: 'A', pending: [] }]);
    const again = await args.take('A', ['C'], T0 + 1, false);
    expect(await args.done('A', lease(again), null, ['B'])).toEqual({ committed: true, written: false, ready: ['B'] });
    expect(await args.take('B', ['A', 'F'], T0 + 1, false)).toMatchObject({ status: 'incomplete', due: 1 });
    expect(await args.take('B', ['A', 'F'], T0 + 1, false)).toEqual({ status: 'idle' });
  });

  it('gives a set whose taker died to the next taker once its lease expired, and commits it once', async () => {
    // One change: C for A, F for B = A × F; B waits for A.
    await args.change(
      [
        { rec: rec('C', 2), parents: ['A'] },
        { rec: rec('F', 3), parents: ['B'] },
      ],
      [
        { node: 'A', pending: [] },
        { node: 'B', pending: ['A'] },
      ],
    );
    const dead = await args.take('A', ['C'], T0, false, { owner: 'job-1', ms: 150 });
    expect(dead).toMatchObject({ status: 'ok', values: [2] });
    // While the lease holds, another job gets nothing (the set is taken)...
    expect(await args.take('A', ['C'], T0 + 5, false, { owner: 'job-2', ms: 150 })).toEqual({ status: 'idle' });
    expect(await args.expiredLeases()).toEqual([]);
    // ...but the same job, retried after an error, gets its own set back at once.
    expect(await args.take('A', ['C'], T0 + 5, false, { owner: 'job-1', ms: 150 })).toEqual(dead);
    await new Promise((r) => setTimeout(r, 200));
    expect(await args.expiredLeases()).toEqual(['A']);
    const next = await args.take('A', ['C'], T0 + 9, false, { owner: 'job-3', ms: 150 });
    // The same set, the same lease, and the original job's time.
    expect(next).toEqual(dead);
    expect(await args.done('A', lease(next), rec('A', 2), ['B'])).toEqual({ committed: true, written: true, ready: ['B'] });
    // The original comes back late: nothing is recorded or released twice.
    expect(await args.done('A', lease(dead), rec('A', 2, T0 + 1), ['B'])).toEqual({ committed: false, written: false, ready: [] });
    expect((await readValues(t.redis, t.keys, ['A']))[0]).toMatchObject({ value: 2, at: T0 });
    expect(await t.redis.hget(t.keys.metricArgs('B'), '#pend')).toBeNull();
    expect(await args.expiredLeases()).toEqual([]);
    expect(await args.take('B', ['A', 'F'], T0, false)).toMatchObject({ status: 'ok', values: [2, 3] });
  });

  it('lets a late original commit first, and then its stand-in adds nothing', async () => {
    await give(rec('C', 4), 'A');
    const original = await args.take('A', ['C'], T0, false, { owner: 'job-1', ms: 50 });
    await new Promise((r) => setTimeout(r, 80));
    const standIn = await args.take('A', ['C'], T0, false, { owner: 'job-2', ms: 50 });
    expect(lease(standIn)).toBe(lease(original));
    expect((await args.done('A', lease(original), rec('A', 4), [])).committed).toBe(true);
    expect((await args.done('A', lease(standIn), rec('A', 4), [])).committed).toBe(false);
    expect(await args.take('A', ['C'], T0, false, { owner: 'job-4', ms: 50 })).toEqual({ status: 'idle' });
  });

  it('keeps a never-expiring value fresh and its hashes without expiry', async () => {
    await give({ node: 'C', value: 5, at: T0, expiresAt: null }, 'A');
    expect(await t.redis.pttl(t.keys.metricArgs('A'))).toBe(-1);
    await give(rec('D', 1, T0), 'A');
    expect(await t.redis.pttl(t.keys.metricArgs('A'))).toBe(-1);
    const far = T0 + 100 * 365 * 86_400_000;
    expect(far).toBeLessThan(NEVER_EXPIRES);
    // A century later D has long expired, C has not.
    expect(values(await args.take('A', ['C', 'D'], far, true))).toBeNull();
    expect(await t.redis.hget(t.keys.metricArgs('A'), 'v:C')).toBe('5');
    await give(rec('D', 2, far), 'A');
    expect(values(await args.take('A', ['C', 'D'], far, true))).toEqual([5, 2]);
    expect((await readValues(t.redis, t.keys, ['C']))[0]).toEqual({ node: 'C', value: 5, at: T0, expiresAt: null });
  });

  it('clears held values on redefinition but keeps what a change still owes', async () => {
    await args.change([{ rec: rec('C', 1), parents: ['B'] }], [{ node: 'B', pending: ['A'] }]);
    await args.clear('B');
    expect(await t.redis.hexists(t.keys.metricArgs('B'), 'v:C')).toBe(0);
    expect(await args.take('B', ['A', 'C'], T0, false)).toEqual({ status: 'wait' });
    await args.change([{ rec: rec('C', 1), parents: ['A'] }], [{ node: 'A', pending: [] }]);
    expect((await args.done('A', lease(await args.take('A', ['C'], T0, false)), null, ['B'])).ready).toEqual(['B']);
  });
});
