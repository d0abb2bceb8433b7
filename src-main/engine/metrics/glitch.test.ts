import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { metricNodeSchema } from '../../contract/metrics';
import { ManualClock } from '../clock';
import { startMetricsHarness, type MetricsHarness } from './testing';

// The scenario sent the way its reporter sent it: several values in one input call,
// with three engine processes (concurrency 8 each) taking compute jobs. The jobs for A and B
// then run at the same time; B must still wait for A's new value (B = 3 × 3 = 9, never the
// stale 15 × 3 = 45).
const RUNS = 50;

describe('glitch-free propagation (several values per call, several workers)', () => {
  let t: TestRedis;
  let workers: MetricsHarness[];
  let computed: string[];

  beforeEach(async () => {
    t = await testRedis();
    const clock = new ManualClock();
    workers = [];
    computed = [];
    for (let i = 0; i < 3; i += 1) {
      const h = await startMetricsHarness(t, { clock, concurrency: 8 });
      h.service.onValue((v) => {
        if (v.source === 'computed') computed.push(`${v.node}=${v.value}`);
      });
      workers.push(h);
    }
  });
  afterEach(async () => {
    for (const h of workers) await h.close();
    await t.cleanup();
  });

  async function define(run: number): Promise<(id: string) => string> {
    const n = (id: string) => `r${run}:${id}`;
    const h = workers[0]!;
    for (const id of ['C', 'D', 'E', 'F']) await h.service.define(metricNodeSchema.parse({ id: n(id), kind: 'input', validitySeconds: 60 }));
    await h.service.define(metricNodeSchema.parse({ id: n('A'), kind: 'derived', fn: 'add', args: [n('C'), n('D'), n('E')], validitySeconds: 60 }));
    await h.service.define(metricNodeSchema.parse({ id: n('B'), kind: 'derived', fn: 'multiply', args: [n('A'), n('F')], validitySeconds: 60 }));
    // Every worker keeps its own copy of the definitions (as separate app processes would not);
    // define the same nodes on each so any of them can take any job.
    for (const w of workers.slice(1)) for (const node of h.service.list()) if (node.id.startsWith(`r${run}:`)) await w.service.define(node);
    return n;
  }

  it(`gives A = 15, B = 9, then B = 20 in ${RUNS} of ${RUNS} runs`, async () => {
    const wrong: string[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const n = await define(run);
      computed.length = 0;
      const send = async (values: Record<string, number>, via: number) => {
        await workers[via % workers.length]!.module.input(Object.fromEntries(Object.entries(values).map(([k, v]) => [n(k), v])), 'test');
        await workers[0]!.service.settled();
      };
      await send({ C: 4, D: 5 }, run);
      await send({ E: 6 }, run + 1);
      await send({ C: 1, D: 1, E: 1, F: 3 }, run + 2);
      await send({ A: 4, F: 5 }, run);
      const got = computed.map((c) => c.replace(`r${run}:`, '')).join(' ');
      if (got !== 'A=15 A=3 B=9 B=20') wrong.push(`run ${run}: ${got}`);
    }
    expect(wrong).toEqual([]);
  });
});
