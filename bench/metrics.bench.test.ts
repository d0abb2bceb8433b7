import { it } from 'vitest';
import { testRedis } from '../test/support/redis';
import { metricNodeSchema } from '../src-main/contract/metrics';
import { Gears } from '../src-main/engine/gears/loader';
import { preparedGears } from '../src-main/engine/gears/libraries';
import { MetricArguments } from '../src-main/engine/metrics/arguments';
import { startMetricsHarness } from '../src-main/engine/metrics/testing';
import { reportFigures } from './support/report';

const SETS = 2000;
const CLIENTS = 10;

/**
 * Live metrics: full argument sets (C, D, E → A = C + D + E) pushed by ten concurrent clients,
 * through the whole path (validation, gear, metrics queue, history, live event), against the
 * same sets handled by the two gear calls alone with no queue, in the same run.
 */
it('live metrics throughput', async () => {
  const t = await testRedis();
  try {
    // Baseline: the gear alone — three argument writes (each a change reaching the node) and
    // one take per set.
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    const args = new MetricArguments(gears, t.keys, t.redis);
    const now = Date.now();
    let t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = c; i < SETS; i += CLIENTS) {
          const node = `base${i}`;
          for (const a of ['C', 'D', 'E']) await args.change([{ rec: { node: `${a}${i}`, value: i, at: now, expiresAt: now + 60_000 }, parents: [node] }], [{ node, pending: [] }]);
          await args.take(node, [`C${i}`, `D${i}`, `E${i}`], now, false);
        }
      }),
    );
    const gearSetsPerSec = SETS / ((performance.now() - t0) / 1000);

    const h = await startMetricsHarness(t, { concurrency: 8 });
    try {
      for (const id of ['C', 'D', 'E']) await h.service.define(metricNodeSchema.parse({ id, kind: 'input' }));
      await h.service.define(metricNodeSchema.parse({ id: 'A', kind: 'derived', fn: 'add', args: ['C', 'D', 'E'] }));
      let computed = 0;
      h.service.onValue((v) => {
        if (v.source === 'computed') computed += 1;
      });
      t0 = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          for (let i = c; i < SETS; i += CLIENTS) await h.module.input({ C: i, D: i, E: i }, 'bench');
        }),
      );
      await h.service.settled();
      const seconds = (performance.now() - t0) / 1000;

      // Latency: one argument completing a set → the computed value, one at a time.
      const latencies: number[] = [];
      for (let i = 0; i < 200; i += 1) {
        await h.module.input({ C: 1, D: 2 }, 'bench');
        await h.service.settled();
        const done = new Promise<void>((resolve) => {
          const off = h.service.onValue((v) => {
            if (v.node === 'A') {
              off();
              resolve();
            }
          });
        });
        const s = performance.now();
        await h.module.input({ E: i }, 'bench');
        await done;
        latencies.push(performance.now() - s);
      }
      latencies.sort((a, b) => a - b);

      // Two levels: B = A × F from one call {E, F} that completes A; B waits for A's new value
      // (it never computes from the old one), so this is the cost of that wait end to end.
      await h.service.define(metricNodeSchema.parse({ id: 'F', kind: 'input' }));
      await h.service.define(metricNodeSchema.parse({ id: 'B', kind: 'derived', fn: 'multiply', args: ['A', 'F'] }));
      const chain: number[] = [];
      for (let i = 0; i < 200; i += 1) {
        await h.module.input({ C: 1, D: 2 }, 'bench');
        await h.service.settled();
        const done = new Promise<void>((resolve) => {
          const off = h.service.onValue((v) => {
            if (v.node === 'B') {
              off();
              resolve();
            }
          });
        });
        const s = performance.now();
        await h.module.input({ E: i, F: 2 }, 'bench');
        await done;
        chain.push(performance.now() - s);
      }
      chain.sort((a, b) => a - b);
      reportFigures('live metrics', [
        { measure: `input values/s (${CLIENTS} clients, sets of 3, through the queue)`, value: Math.round((SETS * 3) / seconds), unit: '/s' },
        {
          measure: 'full argument sets computed/s',
          value: Math.round(computed / seconds),
          unit: '/s',
          baseline: { label: 'gear calls alone, no queue', value: Math.round(gearSetsPerSec) },
        },
        { measure: `computations (of ${SETS} sets; fewer when sets overlap)`, value: computed, unit: '' },
        { measure: 'last argument → computed value, p50', value: latencies[100]!, unit: 'ms' },
        { measure: 'last argument → computed value, p99', value: latencies[197]!, unit: 'ms' },
        { measure: 'one call {E, F} → B = A × F (two levels), p50', value: chain[100]!, unit: 'ms', baseline: { label: 'one level (row above, p50)', value: latencies[100]! } },
        { measure: 'one call {E, F} → B = A × F (two levels), p99', value: chain[197]!, unit: 'ms' },
      ]);
    } finally {
      await h.close();
    }
  } finally {
    await t.cleanup();
  }
});
