import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { metricNodeSchema } from '../../contract/metrics';
import { ManualClock } from '../clock';
import type { MetricsOptions } from './service';
import { startMetricsHarness, type MetricsHarness } from './testing';

// A compute job that fails right after taking its set: before leases, the set was gone (taken)
// and the node's parents waited for it for ever.
describe('a compute job that fails after its take', () => {
  let t: TestRedis;
  let workers: MetricsHarness[];
  let computed: string[];

  beforeEach(async () => {
    t = await testRedis();
    workers = [];
    computed = [];
  });
  afterEach(async () => {
    for (const h of workers) await h.close();
    await t.cleanup();
  });

  async function start(count: number, opts: (i: number) => MetricsOptions): Promise<void> {
    const clock = new ManualClock();
    for (let i = 0; i < count; i += 1) {
      const h = await startMetricsHarness(t, { clock, concurrency: 4, ...opts(i) });
      h.service.onValue((v) => {
        if (v.source === 'computed') computed.push(`${v.node}=${v.value}`);
      });
      workers.push(h);
    }
    for (const h of workers) {
      for (const id of ['C', 'D', 'F']) await h.service.define(metricNodeSchema.parse({ id, kind: 'input' }));
      await h.service.define(metricNodeSchema.parse({ id: 'A', kind: 'derived', fn: 'add', args: ['C', 'D'] }));
      await h.service.define(metricNodeSchema.parse({ id: 'B', kind: 'derived', fn: 'multiply', args: ['A', 'F'] }));
    }
  }

  it('is retried with the same set when it throws (a Redis hiccup), and computes once', async () => {
    let faults = 0;
    await start(1, () => ({
      afterTake: (node) => {
        if (node === 'A' && faults < 2) {
          faults += 1;
          throw new Error('connection lost');
        }
      },
    }));
    const h = workers[0]!;
    await h.module.input({ C: 1, D: 2, F: 10 }, 'test');
    await expect.poll(() => computed, { timeout: 5000 }).toEqual(['A=3', 'B=30']);
    await h.service.settled();
    expect(faults).toBe(2);
    // The next change still computes: nothing was left waiting.
    await h.module.input({ C: 5, D: 5, F: 10 }, 'test');
    await h.service.settled();
    expect(computed).toEqual(['A=3', 'B=30', 'A=10', 'B=100']);
  });

  it('is taken over by another worker once its lease expires when its worker is gone, and the late original adds nothing', async () => {
    let release!: () => void;
    const gone = new Promise<void>((r) => (release = r));
    let stuck = false;
    // Worker 0 stops answering right after taking A's set (as a killed or frozen process
    // would); worker 1 sweeps for expired leases.
    await start(2, (i) => ({
      leaseMs: 300,
      sweepMs: 100,
      afterTake:
        i === 0
          ? async (node) => {
              if (node !== 'A' || stuck) return;
              stuck = true;
              await gone;
            }
          : undefined,
    }));
    // Only worker 0 is running when the change arrives, so it is the one that takes A.
    await workers[1]!.service.stop();
    await workers[0]!.module.input({ C: 1, D: 2, F: 10 }, 'test');
    await expect.poll(() => stuck).toBe(true);
    workers[1]!.service.start();
    await expect.poll(() => computed, { timeout: 5000 }).toEqual(['A=3', 'B=30']);
    // The frozen worker comes back and finishes: its commit of the same set counts for nothing.
    release();
    await workers[0]!.service.settled();
    await new Promise((r) => setTimeout(r, 300));
    expect(computed).toEqual(['A=3', 'B=30']);
    // Only the stuck job is frozen here, not worker 0's process: its own lease sweep may be the
    // one that takes the set over, as well as worker 1's; whichever does, A and B are computed once.
    const tookOver = workers.flatMap((w) => w.log.lines.filter((l) => l.includes('metric compute taken over after its lease expired')));
    expect(tookOver.length).toBeGreaterThanOrEqual(1);
    await workers[0]!.module.input({ C: 4, D: 4, F: 10 }, 'test');
    await workers[0]!.service.settled();
    expect(computed).toEqual(['A=3', 'B=30', 'A=8', 'B=80']);
  });
});
