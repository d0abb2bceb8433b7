// Activity fan-out: activities per second and feed writes per second for 1, 10 and 100
// followers, one Function call per activity (pipelined in batches, as `record` does), against
// a same-run baseline of plain pipelined ZADDs doing the same number of feed writes.
// Bounded: each case stops after its activity count or ~3 s, whichever comes first.
import { afterAll, afterEach, describe, it } from 'vitest';
import type { Activity, FeedVerb } from '../src-main/contract/feed';
import { preparedGears } from '../src-main/engine/gears/libraries';
import { Gears } from '../src-main/engine/gears/loader';
import { FeedGear } from '../src-main/engine/feed/feed-gear';
import { testRedis, type TestRedis } from '../test/support/redis';
import { reportFigures, type BenchRow } from './support/report';

const BATCH = 500;
const TIME_LIMIT_MS = 3000;
const VERBS: FeedVerb[] = ['commented', 'signed_up', 'asked'];
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

function activity(i: number): Activity {
  return {
    id: `b${i}`,
    actor: { id: 'maria', name: 'Maria Lopez' },
    verb: VERBS[i % VERBS.length]!,
    object: { type: 'event', id: `e${i % 50}`, title: `Event ${i % 50}` },
    // A new day every 40 activities: aggregations both grow and keep being created.
    time: T0 + Math.floor(i / 40) * 86_400_000 + (i % 40) * 1000,
  };
}

describe('feed fan-out', () => {
  let t: TestRedis;
  const rows: BenchRow[] = [];
  afterEach(() => t.cleanup());
  afterAll(() => reportFigures('Activity feed fan-out', rows));

  for (const [followers, count] of [
    [1, 20_000],
    [10, 10_000],
    [100, 2_000],
  ] as const) {
    it(`fans out to ${followers} follower(s)`, async () => {
      t = await testRedis();
      await new Gears(t.redis, preparedGears()).load();
      const gear = new FeedGear(t.redis, new Gears(t.redis, preparedGears()), t.keys, { maxSize: 200, timeZone: () => 'UTC' });
      for (let u = 0; u < followers; u += 1) await gear.follow(`u${u}`, 'volunteer:maria', 1, true);

      let done = 0;
      let writes = 0;
      const started = performance.now();
      while (done < count && performance.now() - started < TIME_LIMIT_MS) {
        const batch = Array.from({ length: Math.min(BATCH, count - done) }, (_, k) => activity(done + k));
        const r = await gear.addMany(batch);
        done += batch.length;
        writes += r.feedWrites;
      }
      const seconds = (performance.now() - started) / 1000;

      // Baseline: the same number of feed writes as plain pipelined ZADDs, no logic at all.
      const feeds = followers + 3;
      const zadds = done * feeds;
      const b0 = performance.now();
      for (let i = 0; i < zadds; i += BATCH * 4) {
        const p = t.redis.pipeline();
        for (let k = i; k < Math.min(zadds, i + BATCH * 4); k += 1) p.zadd(`${t.keys.prefix}base:${k % feeds}`, k, `m${k % 1000}`);
        await p.exec();
      }
      const baseline = zadds / ((performance.now() - b0) / 1000);

      const writeRate = writes / seconds;
      rows.push({ measure: `${followers} follower(s): activities fanned out`, value: Math.round(done / seconds), unit: 'activities/s' });
      rows.push({
        measure: `${followers} follower(s): feed writes (${done} activities)`,
        value: Math.round(writeRate),
        unit: 'writes/s',
        baseline: { label: 'pipelined ZADD', value: Math.round(baseline) },
        target: '>= 20000/s',
        met: writeRate >= 20_000,
      });
    });
  }
});
