import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { metricNodeSchema } from '../../contract/metrics';
import { ManualClock } from '../clock';
import { startMetricsHarness, type MetricsHarness } from './testing';

// C, D and E are pushed with values that encode which push they came from (C = i, D = 100 j,
// E = 10000 l, each below 100), so every computed A = C + D + E tells exactly which set it
// was computed from.
const decode = (a: number) => ({ c: a % 100, d: Math.floor(a / 100) % 100, e: Math.floor(a / 10_000) });

function shuffled<T>(xs: T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('concurrent metric inputs from several workers', () => {
  let t: TestRedis;
  let workers: MetricsHarness[];
  const computed: number[] = [];

  beforeEach(async () => {
    t = await testRedis();
    const clock = new ManualClock();
    workers = [];
    computed.length = 0;
    for (let i = 0; i < 3; i += 1) {
      const h = await startMetricsHarness(t, { clock, concurrency: 8 });
      for (const id of ['C', 'D', 'E']) await h.service.define(metricNodeSchema.parse({ id, kind: 'input' }));
      await h.service.define(metricNodeSchema.parse({ id: 'A', kind: 'derived', fn: 'add', args: ['C', 'D', 'E'] }));
      h.service.onValue((v) => {
        if (v.source === 'computed' && v.node === 'A') computed.push(v.value);
      });
      workers.push(h);
    }
  });
  afterEach(async () => {
    for (const h of workers) await h.close();
    await t.cleanup();
  });

  it('never computes a node twice from one argument set, and loses no update', async () => {
    const PUSHES = 60;
    const pushes: Record<string, number>[] = [];
    for (let i = 1; i <= PUSHES; i += 1) {
      pushes.push({ C: i }, { D: 100 * i }, { E: 10_000 * i });
      // Some clients send a whole set in one request.
      if (i % 10 === 0) {
        const j = PUSHES + i / 10;
        pushes.push({ C: j, D: 100 * j, E: 10_000 * j });
      }
    }
    // Six clients, each sending its share one request after another, all at the same time, so
    // inputs keep arriving while the workers compute.
    const CLIENTS = 6;
    const order = shuffled(pushes);
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let k = c; k < order.length; k += CLIENTS) await workers[k % workers.length]!.module.input(order[k]!, `client-${c}`);
      }),
    );
    await workers[0]!.service.settled();

    expect(computed.length).toBeGreaterThan(0);
    console.info(`metrics concurrency: ${pushes.length} concurrent inputs through ${workers.length} workers → ${computed.length} computations of A`);
    const sets = computed.map(decode);
    for (const part of ['c', 'd', 'e'] as const) {
      const used = sets.map((s) => s[part]);
      for (const u of used) expect(u).toBeGreaterThanOrEqual(1);
      // Every value was pushed once, so each is in at most one computed set.
      expect(new Set(used).size, `${part} values used twice`).toBe(used.length);
    }

    // What is still held was never used; a last full set replaces it and computes exactly once.
    const held = await t.redis.hgetall(t.keys.metricArgs('A'));
    for (const [part, arg] of [['c', 'C'], ['d', 'D'], ['e', 'E']] as const) {
      const v = held[`v:${arg}`];
      if (v !== undefined) expect(sets.map((s) => s[part])).not.toContain(decode(Number(v))[part]);
    }
    const before = computed.length;
    await workers[1]!.module.input({ C: 99, D: 9_900, E: 990_000 }, 'last');
    await workers[0]!.service.settled();
    expect(computed.slice(before)).toEqual([999_999]);
  });
});
