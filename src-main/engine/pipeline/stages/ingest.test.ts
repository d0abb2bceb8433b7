import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../../test/support/redis';
import { Gears } from '../../gears/loader';
import { preparedGears } from '../../gears/libraries';
import { ingestDeliveries } from './ingest';

describe('ingest gear', () => {
  let t: TestRedis;
  let gears: Gears;
  beforeEach(async () => {
    t = await testRedis();
    gears = new Gears(t.redis, preparedGears());
    await gears.load();
  });
  afterEach(() => t.cleanup());

  it('enqueues each delivery once however often it arrives, in one batch or many', async () => {
    const d = { dedupeId: 'c1:add:abc', payload: '{"id":"c1"}' };
    const first = await ingestDeliveries(gears, t.keys, [d, d, d]);
    expect(first).toEqual({ accepted: 1, duplicates: 2 });
    for (let i = 0; i < 4; i += 1) {
      expect(await ingestDeliveries(gears, t.keys, [d])).toEqual({ accepted: 0, duplicates: 1 });
    }
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(1);
    const ttl = await t.redis.ttl(t.keys.seen(d.dedupeId));
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
  });

  it('skips a change that leaves a comment in the state it is already in, whatever its id', async () => {
    const hide = (at: number) => ({ dedupeId: `c1:hide:${at}`, payload: `{"hide":${at}}`, state: { subject: 'c1', value: 'hide:h' } });
    const unhide = { dedupeId: 'c1:unhide:2', payload: '{"unhide":2}', state: { subject: 'c1', value: 'unhide:h' } };
    expect(await ingestDeliveries(gears, t.keys, [hide(1), hide(5), unhide, hide(3)])).toEqual({ accepted: 3, duplicates: 1 });
    expect(await ingestDeliveries(gears, t.keys, [hide(3), hide(7)])).toEqual({ accepted: 0, duplicates: 2 });
    // Messages have no state: only their id counts.
    expect(await ingestDeliveries(gears, t.keys, [{ dedupeId: 'm:1', payload: '{}' }, { dedupeId: 'm:2', payload: '{}' }])).toEqual({ accepted: 2, duplicates: 0 });
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(5);
  });

  it('refuses to run with another build of the library', async () => {
    await expect(
      t.redis.call('FCALL', 'vt_ingest', 1, t.keys.streamIngest, 'not-the-version', 60),
    ).rejects.toThrow(/VT_GEAR_VERSION/);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(0);
  });

  it('reloads the library when Redis lost its functions', async () => {
    await t.redis.call('FUNCTION', 'DELETE', 'vt_ingest');
    const r = await ingestDeliveries(gears, t.keys, [{ dedupeId: 'x', payload: '{}' }]);
    expect(r.accepted).toBe(1);
  });
});
