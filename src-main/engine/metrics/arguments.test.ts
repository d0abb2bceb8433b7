import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { MetricArguments, readValues } from './arguments';

const T0 = 1_800_000_000_000;
const rec = (node: string, value: number, at = T0, validity = 60_000) => ({ node, value, at, expiresAt: at + validity });

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

  it('hands a full fresh set to exactly one of many concurrent takers, then forgets it', async () => {
    for (const n of ['C', 'D', 'E']) await args.set(rec(n, n.charCodeAt(0)), ['A']);
    const results = await Promise.all(Array.from({ length: 25 }, () => args.take('A', ['C', 'D', 'E'], T0, false)));
    expect(results.filter((r) => r !== null)).toEqual([[67, 68, 69]]);
    expect(await args.take('A', ['C', 'D', 'E'], T0, false)).toBeNull();
  });

  it('keeps arguments when asked, but never hands the same set out twice', async () => {
    for (const n of ['C', 'D']) await args.set(rec(n, 1), ['K']);
    const first = await Promise.all(Array.from({ length: 25 }, () => args.take('K', ['C', 'D'], T0, true)));
    expect(first.filter((r) => r !== null)).toEqual([[1, 1]]);
    await args.set(rec('D', 5), ['K']);
    const second = await Promise.all(Array.from({ length: 25 }, () => args.take('K', ['C', 'D'], T0, true)));
    expect(second.filter((r) => r !== null)).toEqual([[1, 5]]);
  });

  it('judges freshness by the time passed in and forgets expired arguments', async () => {
    await args.set(rec('C', 1, T0), ['A']);
    await args.set(rec('D', 2, T0 + 30_000), ['A']);
    expect(await args.take('A', ['C', 'D'], T0 + 60_000, true)).toBeNull();
    expect(await t.redis.hexists(t.keys.metricArgs('A'), 'v:C')).toBe(0);
    expect(await t.redis.hexists(t.keys.metricArgs('A'), 'v:D')).toBe(1);
    await args.set(rec('C', 3, T0 + 60_000), ['A']);
    expect(await args.take('A', ['C', 'D'], T0 + 60_000, false)).toEqual([3, 2]);
  });

  it('ignores a value older than the one held, and keeps numbers exact', async () => {
    expect(await args.set(rec('C', 0.1 + 0.2, T0 + 10), ['A'])).toBe(true);
    expect(await args.set(rec('C', 7, T0), ['A'])).toBe(false);
    expect(await args.take('A', ['C'], T0 + 10, false)).toEqual([0.1 + 0.2]);
    const [v] = await readValues(t.redis, t.keys, ['C']);
    expect(v).toEqual({ node: 'C', value: 0.1 + 0.2, at: T0 + 10, expiresAt: T0 + 60_010 });
    expect(await readValues(t.redis, t.keys, ['none'])).toEqual([null]);
  });

  it('gives an argument hash a garbage-collection expiry far behind its freshest value', async () => {
    await args.set(rec('C', 1, T0, 60_000), ['A']);
    const ttl = await t.redis.pttl(t.keys.metricArgs('A'));
    expect(ttl).toBeGreaterThan(3_600_000);
    await args.set(rec('D', 1, T0, 1000), ['A']);
    expect(await t.redis.pttl(t.keys.metricArgs('A'))).toBeGreaterThan(3_700_000);
  });
});
