import { describe, expect, it } from 'vitest';
import { metricNodeSchema, type MetricNode } from '../../contract/metrics';
import { defaultMetricNodes } from './defaults';
import { MetricDefinitionError, MetricGraph } from './graph';

const input = (id: string): MetricNode => metricNodeSchema.parse({ id, kind: 'input' });
const derived = (id: string, fn: string, args: string[], extra: Record<string, unknown> = {}): MetricNode =>
  metricNodeSchema.parse({ id, kind: 'derived', fn, args, ...extra });

const base = (): MetricGraph =>
  new MetricGraph([input('C'), input('D'), input('E'), input('F'), derived('A', 'add', ['C', 'D', 'E']), derived('B', 'multiply', ['A', 'F'])]);

describe('metric graph', () => {
  it('resolves nodes and finds parents', () => {
    const g = base();
    expect(g.resolve('A')).toMatchObject({ id: 'A', args: ['C', 'D', 'E'] });
    expect(g.resolve('nope')).toBeNull();
    expect(g.parents('C')).toEqual(['A']);
    expect(g.parents('A')).toEqual(['B']);
    expect(g.parents('B')).toEqual([]);
  });

  it('refuses a cycle and names it', () => {
    const g = base();
    expect(() => g.withNode(derived('C', 'add', ['B']))).toThrow(MetricDefinitionError);
    expect(() => g.withNode(derived('C', 'add', ['B']))).toThrow('This would make a cycle: C → B → A → C.');
    expect(() => g.withNode(derived('X', 'add', ['X']))).toThrow(/cycle X → X/);
    // The graph in use is unchanged.
    expect(g.resolve('C')?.def.kind).toBe('input');
  });

  it('refuses unknown arguments, bad formulas and misplaced formulas', () => {
    const g = base();
    expect(() => g.withNode(derived('G', 'add', ['C', 'Z']))).toThrow('Argument "Z" of "G" is not defined; define it first');
    expect(() => g.withNode(derived('G', 'formula', ['C'], { formula: 'C + Q' }))).toThrow(/uses "Q", which is not one of its arguments/);
    expect(() => g.withNode(derived('G', 'formula', ['C'], { formula: 'C +' }))).toThrow(/Formula of "G": Expected a number/);
    expect(() => g.withNode(derived('G', 'formula', ['C']))).toThrow(/has no formula/);
    expect(() => g.withNode(derived('G', 'add', ['C'], { formula: 'C' }))).toThrow(/has a formula but fn "add"/);
    expect(() => g.withNode(derived('G', 'divide', ['C']))).toThrow(/needs at least two arguments/);
  });

  it('computes every function, with no value instead of Infinity or NaN', () => {
    const g = new MetricGraph([
      input('x'),
      input('y'),
      ...(['add', 'subtract', 'multiply', 'divide', 'min', 'max', 'average'] as const).map((fn) => derived(fn, fn, ['x', 'y'])),
      derived('f', 'formula', ['x', 'y'], { formula: 'round(x / y * 100)' }),
    ]);
    const at = (id: string, x: number, y: number) => g.compute(g.resolve(id)!, [x, y]);
    expect(at('add', 6, 3)).toEqual({ ok: true, value: 9 });
    expect(at('subtract', 6, 3)).toEqual({ ok: true, value: 3 });
    expect(at('multiply', 6, 3)).toEqual({ ok: true, value: 18 });
    expect(at('divide', 6, 3)).toEqual({ ok: true, value: 2 });
    expect(at('min', 6, 3)).toEqual({ ok: true, value: 3 });
    expect(at('max', 6, 3)).toEqual({ ok: true, value: 6 });
    expect(at('average', 6, 3)).toEqual({ ok: true, value: 4.5 });
    expect(at('f', 1, 3)).toEqual({ ok: true, value: 33 });
    expect(at('divide', 6, 0)).toEqual({ ok: false, reason: 'division by zero' });
    expect(at('f', 6, 0)).toEqual({ ok: false, reason: 'division by zero' });
    expect(at('multiply', 1e308, 10)).toMatchObject({ ok: false });
  });

  it('instantiates templates per event and finds their parents', () => {
    const g = new MetricGraph(defaultMetricNodes());
    expect(g.resolve('event:42:fill-rate')).toMatchObject({ args: ['event:42:signups', 'event:42:capacity'] });
    expect(g.parents('event:42:signups').sort()).toEqual(['event:42:fill-rate', 'event:42:no-show-rate', 'event:42:no-shows']);
    expect(g.parents('event:42:no-shows')).toEqual(['event:42:no-show-rate']);
    expect(g.resolve('event:42:nonsense')).toBeNull();
    expect(g.resolve('event:{event}:signups')).toBeNull();
    const noShows = g.resolve('event:7:no-shows')!;
    expect(g.compute(noShows, [10, 8])).toEqual({ ok: true, value: 2 });
    expect(g.compute(noShows, [10, 12])).toEqual({ ok: true, value: 0 });
  });

  it('lets a concrete node override one instance of a template', () => {
    const g = new MetricGraph(defaultMetricNodes()).withNode(input('event:9:fill-rate'));
    expect(g.parents('event:9:signups')).not.toContain('event:9:fill-rate');
    expect(g.parents('event:8:signups')).toContain('event:8:fill-rate');
  });

  it('keeps template rules: same placeholders, no two templates claiming one node, no removal in use', () => {
    const g = new MetricGraph(defaultMetricNodes()).withNode(input('total'));
    expect(() => g.withNode(derived('event:{event}:x', 'add', ['total']))).toThrow(/must use exactly its placeholders \{event\}/);
    expect(() => g.withNode(derived('sum', 'add', ['event:{event}:signups']))).toThrow(/is a template; name one concrete node/);
    expect(() => g.withNode(input('event:{id}:signups'))).toThrow(/would both claim the same nodes/);
    expect(() => g.withoutNode('event:{event}:signups')).toThrow(/is an argument of "event:\{event\}:fill-rate"/);
    const withSum = g.withNode(derived('sum', 'add', ['event:1:signups', 'event:2:signups']));
    expect(withSum.parents('event:1:signups')).toContain('sum');
    expect(() => withSum.withoutNode('event:{event}:signups')).toThrow(/"sum"/);
    expect(() => g.withoutNode('missing')).toThrow(/There is no metric node "missing"/);
    expect(g.withoutNode('total').resolve('total')).toBeNull();
  });

  it('refuses a cycle through a template instance', () => {
    const g = new MetricGraph([input('event:{event}:a'), derived('event:{event}:b', 'add', ['event:{event}:a']), input('x')]);
    const g2 = g.withNode(derived('y', 'add', ['event:1:b']));
    expect(() => g2.withNode(derived('event:{event}:a', 'add', ['event:{event}:b']))).toThrow(/cycle: event:\{event\}:a → event:\{event\}:b → event:\{event\}:a/);
  });
});
