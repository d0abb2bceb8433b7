import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import type { MetricNode } from '../../contract/metrics';
import { metricNodeSchema } from '../../contract/metrics';
import type { CallContext } from '../module';
import { startMetricsHarness, type MetricsHarness } from './testing';

const call: CallContext = { via: 'internal' };
const node = (raw: Record<string, unknown>): MetricNode => metricNodeSchema.parse(raw);

describe('metrics module', () => {
  let t: TestRedis;
  let h: MetricsHarness;
  let computed: string[];
  beforeEach(async () => {
    t = await testRedis();
    h = await startMetricsHarness(t);
    computed = [];
    h.service.onValue((v) => {
      if (v.source === 'computed') computed.push(`${v.node}=${v.value}`);
    });
  });
  afterEach(async () => {
    await h.close();
    await t.cleanup();
  });

  const handlers = () => h.module.handlers!;
  const define = (raw: Record<string, unknown>) => handlers()['metrics.define']!({ node: node(raw) }, call);
  const input = async (values: Record<string, number>) => {
    await handlers()['metrics.input']!({ values }, call);
    await h.service.settled();
  };

  it('ships per-event defaults the pipeline can feed', async () => {
    const { nodes } = await handlers()['metrics.list']!({}, call);
    expect(nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['event:{event}:signups', 'event:{event}:capacity', 'event:{event}:fill-rate', 'event:{event}:no-show-rate']));
    await input({ 'event:42:signups': 30, 'event:42:capacity': 40 });
    expect(computed).toEqual(['event:42:fill-rate=0.75']);
    await input({ 'event:42:attendance': 27 });
    expect(computed).toEqual(['event:42:fill-rate=0.75', 'event:42:no-shows=3', 'event:42:no-show-rate=0.1']);
    // Fill rate keeps its arguments: one more signup recomputes it at once.
    await input({ 'event:42:signups': 31 });
    expect(computed).toContain('event:42:fill-rate=0.775');
    const { values } = await handlers()['metrics.values']!({ historyLimit: 5 }, call);
    const fill = values.find((v) => v.node === 'event:42:fill-rate');
    expect(fill).toMatchObject({ definition: 'event:{event}:fill-rate', label: 'Fill rate', value: 0.775, fresh: true });
    expect(fill!.history.map((p) => p.value)).toEqual([0.75, 0.775]);
  });

  it('keeps arguments when asked: recomputes on every change while the others are fresh', async () => {
    for (const id of ['C', 'D']) await define({ id, kind: 'input' });
    await define({ id: 'K', kind: 'derived', fn: 'add', args: ['C', 'D'], keepArguments: true });
    await input({ C: 1 });
    await input({ D: 2 });
    await input({ D: 5 });
    await input({ C: 10 });
    expect(computed).toEqual(['K=3', 'K=6', 'K=15']);
    // Both arguments at once: one computation.
    await input({ C: 100, D: 200 });
    expect(computed).toEqual(['K=3', 'K=6', 'K=15', 'K=300']);
    h.clock.advance(61_000);
    await input({ D: 7 });
    expect(computed).toHaveLength(4);
    await input({ C: 1 });
    expect(computed).toEqual(['K=3', 'K=6', 'K=15', 'K=300', 'K=8']);
  });

  it('skips and logs a division by zero instead of recording Infinity', async () => {
    for (const id of ['C', 'D']) await define({ id, kind: 'input' });
    await define({ id: 'Q', kind: 'derived', fn: 'divide', args: ['C', 'D'] });
    await define({ id: 'R', kind: 'derived', fn: 'formula', formula: 'C / (D - 2)', args: ['C', 'D'] });
    await input({ C: 1, D: 0 });
    expect(computed).toEqual(['R=-0.5']);
    await input({ C: 1, D: 2 });
    expect(computed).toEqual(['R=-0.5', 'Q=0.5']);
    const skipped = h.log.lines.filter((l) => l.includes('metric not computed')).map((l) => JSON.parse(l) as { node: string; reason: string });
    expect(skipped.map((s) => `${s.node}: ${s.reason}`).sort()).toEqual(['Q: division by zero', 'R: division by zero']);
  });

  it('refuses cycles and removals of nodes in use, with messages that say what to do', async () => {
    for (const id of ['C', 'D']) await define({ id, kind: 'input' });
    await define({ id: 'A', kind: 'derived', fn: 'add', args: ['C', 'D'] });
    await define({ id: 'B', kind: 'derived', fn: 'multiply', args: ['A', 'D'] });
    await expect(define({ id: 'C', kind: 'derived', fn: 'add', args: ['B'] })).rejects.toMatchObject({
      code: 'bad_arguments',
      message: 'This would make a cycle: C → B → A → C. A node cannot depend on itself, even through other nodes.',
    });
    await expect(handlers()['metrics.remove']!({ id: 'A' }, call)).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('"A" is an argument of "B"') });
    await expect(handlers()['metrics.remove']!({ id: 'nope' }, call)).rejects.toMatchObject({ code: 'not_found' });
    await input({ C: 1, D: 2 });
    expect((await handlers()['metrics.values']!({ historyLimit: 10 }, call)).values.map((v) => v.node)).toEqual(expect.arrayContaining(['A', 'B']));
    expect(await handlers()['metrics.remove']!({ id: 'B' }, call)).toEqual({ removed: 'B' });
    // A removed node leaves the values list, history and all.
    expect((await handlers()['metrics.values']!({ historyLimit: 10 }, call)).values.map((v) => v.node)).not.toContain('B');
    expect(await handlers()['metrics.remove']!({ id: 'A' }, call)).toEqual({ removed: 'A' });
  });

  it('keeps definitions and history across a restart, and does not bring back removed defaults', async () => {
    await define({ id: 'C', kind: 'input', label: 'Sensor C', validitySeconds: 5 });
    await handlers()['metrics.remove']!({ id: 'event:{event}:no-show-rate' }, call);
    await input({ C: 3 });
    const dir = h.dataDir;
    await h.close(true);
    h = await startMetricsHarness(t, { dataDir: dir });
    const { nodes } = await handlers()['metrics.list']!({}, call);
    expect(nodes.find((n) => n.id === 'C')).toEqual({ id: 'C', kind: 'input', label: 'Sensor C', validitySeconds: 5 });
    expect(nodes.some((n) => n.id === 'event:{event}:no-show-rate')).toBe(false);
    const [c] = (await handlers()['metrics.values']!({ nodes: ['C'], historyLimit: 10 }, call)).values;
    expect(c).toMatchObject({ value: 3, history: [{ value: 3, source: 'input' }] });
  });

  it('gives a chart the points of its time range, and keeps the retention chosen across a restart', async () => {
    await define({ id: 'C', kind: 'input', validitySeconds: null });
    const start = h.clock.now();
    for (let i = 0; i < 5; i += 1) {
      await input({ C: i });
      h.clock.advance(3600_000);
    }
    const ranged = await handlers()['metrics.values']!({ nodes: ['C'], historyLimit: 10, from: start + 3600_000, to: start + 3 * 3600_000 }, call);
    expect(ranged.values[0]!.history.map((p) => p.value)).toEqual([1, 2, 3]);
    expect(await handlers()['metrics.settings.get']!({}, call)).toEqual({ historyRetentionDays: 365 });
    expect(await handlers()['metrics.settings.set']!({ historyRetentionDays: 30 }, call)).toEqual({ historyRetentionDays: 30 });
    const dir = h.dataDir;
    await h.close(true);
    h = await startMetricsHarness(t, { dataDir: dir, clock: h.clock });
    expect(await handlers()['metrics.settings.get']!({}, call)).toEqual({ historyRetentionDays: 30 });
    // Thirty days on, the first days are gone.
    h.clock.advance(30 * 86_400_000);
    await handlers()['metrics.settings.set']!({ historyRetentionDays: 30 }, call);
    expect((await handlers()['metrics.values']!({ nodes: ['C'], historyLimit: 10 }, call)).values[0]!.history).toEqual([]);
  });

  it('adds a default from a later version to an older install once, and keeps it removed after that', async () => {
    const dir = h.dataDir;
    await h.close(true);
    // The file as the first version left it: no waitlist node, only "defaults installed".
    const file = path.join(dir, 'metric-definitions.json');
    const old = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { id: string }[]; defaultsSeen?: string[] };
    old.nodes = old.nodes.filter((n) => n.id !== 'event:{event}:waitlist');
    delete old.defaultsSeen;
    writeFileSync(file, JSON.stringify(old));
    h = await startMetricsHarness(t, { dataDir: dir });
    expect(h.module.accepts('event:42:waitlist')).toBe(true);
    await handlers()['metrics.remove']!({ id: 'event:{event}:waitlist' }, call);
    await h.close(true);
    h = await startMetricsHarness(t, { dataDir: dir });
    expect(h.module.accepts('event:42:waitlist')).toBe(false);
    expect(h.module.accepts('event:42:signups')).toBe(true);
  });

  it('does not run in the worker role and says so', async () => {
    const { createMetricsModule } = await import('./module');
    const m = createMetricsModule({ role: 'worker', store: null, log: h.log } as never);
    await m.start();
    expect(m.service).toBeNull();
    await expect(m.input({ C: 1 }, 'pipeline')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('run in the app') });
  });
});
