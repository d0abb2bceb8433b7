import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { METRIC_FUNCTIONS, metricNodeSchema, type MetricNode, type MetricPoint } from '../../contract/metrics';
import { ManualClock } from '../clock';
import { Prng } from '../feed/test-support/prng';
import { readValues } from './arguments';
import { ReferenceMetrics } from './test-support/reference';
import { startMetricsHarness, type MetricsHarness } from './testing';

// Random acyclic graphs, random batches from several clients through several workers, compared
// after every round with a single-threaded reference. A round sends one batch to each of some
// components of the graph at the same time (components share no node, so their batches may
// land in any order and the reference may apply them in any order); a batch changes several
// nodes of its component at once, which is what used to let a node compute from a stale value.
const STEPS = Number(process.env.METRICS_PROPERTY_STEPS ?? 10_000);
const GRAPHS = 2;
const COMPONENTS = 24;
const WORKERS = 3;
const VALIDITIES = [5, 30, null] as const;

interface Component {
  inputs: string[];
  derived: string[];
}

function randomGraph(rng: Prng, g: number): { nodes: MetricNode[]; components: Component[] } {
  const nodes: MetricNode[] = [];
  const components: Component[] = [];
  for (let c = 0; c < COMPONENTS; c += 1) {
    const id = (name: string) => `g${g}:c${c}:${name}`;
    const inputs = Array.from({ length: 2 + rng.int(3) }, (_, i) => id(`i${i}`));
    for (const n of inputs) nodes.push(metricNodeSchema.parse({ id: n, kind: 'input', validitySeconds: rng.pick(VALIDITIES) }));
    const derived: string[] = [];
    const count = 2 + rng.int(4);
    for (let d = 0; d < count; d += 1) {
      const pool = [...inputs, ...derived];
      // Lean on the latest derived node so chains (A → B → C) are common.
      const args = new Set<string>([derived.length && rng.next() < 0.6 ? derived.at(-1)! : rng.pick(pool)]);
      const want = 1 + rng.int(3);
      while (args.size < Math.min(want, pool.length)) args.add(rng.pick(pool));
      let fn = rng.pick(METRIC_FUNCTIONS);
      if (args.size < 2 && (fn === 'subtract' || fn === 'divide' || fn === 'formula')) fn = 'add';
      const list = [...args];
      const seg = (a: string) => a.split(':').at(-1)!;
      nodes.push(
        metricNodeSchema.parse({
          id: id(`d${d}`),
          kind: 'derived',
          fn,
          args: list,
          ...(fn === 'formula' ? { formula: `${seg(list[0]!)} * 2 - ${seg(list[1]!)}` } : {}),
          keepArguments: rng.next() < 0.5,
          validitySeconds: rng.pick(VALIDITIES),
        }),
      );
      derived.push(id(`d${d}`));
    }
    components.push({ inputs, derived });
  }
  return { nodes, components };
}

function randomBatch(rng: Prng, c: Component): [string, number][] {
  const out = new Map<string, number>();
  const size = 1 + rng.int(c.inputs.length + 1);
  for (let i = 0; i < size; i += 1) {
    // Now and then a derived node is given a value directly (it overrides it until it computes).
    const node = rng.next() < 0.08 ? rng.pick(c.derived) : rng.pick(c.inputs);
    out.set(node, rng.int(13) - 3);
  }
  return [...out];
}

const byTime = (a: MetricPoint, b: MetricPoint) => a.at - b.at || (a.source === b.source ? 0 : a.source === 'input' ? -1 : 1);

describe('live metrics against a single-threaded reference (property)', () => {
  let t: TestRedis;
  let workers: MetricsHarness[];
  let clock: ManualClock;

  beforeEach(async () => {
    t = await testRedis();
    clock = new ManualClock();
    workers = [];
    for (let i = 0; i < WORKERS; i += 1) workers.push(await startMetricsHarness(t, { clock, concurrency: 4, history: { flushMs: 60_000, flushAt: 100_000 } }));
  });
  afterEach(async () => {
    for (const h of workers) await h.close();
    await t.cleanup();
  });

  it(`gives every node the reference's value and history over ${STEPS} batches`, async () => {
    const seed = Number(process.env.METRICS_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
    const rng = new Prng(seed);
    const started = Date.now();
    let steps = 0;
    let computed = 0;
    let defineMs = 0;
    for (const h of workers) h.service.onValue((v) => (computed += v.source === 'computed' ? 1 : 0));
    for (let g = 0; g < GRAPHS; g += 1) {
      const { nodes, components } = randomGraph(rng, g);
      // Each process holds its own copy of the definitions; any of them may take any job.
      const defining = Date.now();
      for (const h of workers) for (const n of nodes) await h.service.define(n);
      defineMs += Date.now() - defining;
      const ref = new ReferenceMetrics(nodes);
      const ids = nodes.map((n) => n.id);
      for (let round = 0; steps < ((g + 1) * STEPS) / GRAPHS; round += 1) {
        // Never 0: points of one node in one round are then told apart by their time alone.
        clock.advance((1 + rng.int(9)) * 1000);
        const now = clock.now();
        const batches = components.filter(() => rng.next() < 0.6).map((c) => randomBatch(rng, c));
        const client = rng.int(WORKERS);
        await Promise.all(batches.map((b, i) => workers[(client + i) % WORKERS]!.module.input(Object.fromEntries(b), `client-${i}`)));
        await workers[0]!.service.settled(2);
        for (const b of batches) ref.apply(b, now);
        steps += batches.length;

        const got = await readValues(t.redis, t.keys, ids);
        const wrong = ids.flatMap((id, i) => {
          const want = ref.values.get(id) ?? null;
          const have = got[i] ? { value: got[i].value, at: got[i].at } : null;
          return JSON.stringify(want) === JSON.stringify(have) ? [] : [`${id}: engine ${JSON.stringify(have)}, reference ${JSON.stringify(want)}`];
        });
        expect(wrong, `seed ${seed}, graph ${g}, round ${round}; replay with METRICS_PROPERTY_SEED=${seed}\n${JSON.stringify(nodes)}`).toEqual([]);
      }
      // History: every process keeps the points it recorded; together they are the reference's.
      const histories = await Promise.all(workers.map((h) => h.service.values(ids, 100_000)));
      for (const [i, id] of ids.entries()) {
        const merged = histories.flatMap((vs) => vs[i]!.history).sort(byTime);
        expect(merged, `history of ${id}, seed ${seed}`).toEqual([...(ref.history.get(id) ?? [])].sort(byTime));
      }
    }
    console.info(`metrics property: ${steps} batches on ${GRAPHS} random graphs through ${WORKERS} workers, ${computed} computations, seed ${seed}, ${Date.now() - started} ms (defining ${defineMs} ms)`);
    // About 30 s on a quiet 2-core machine; room for a loaded one.
  }, 180_000);
});
