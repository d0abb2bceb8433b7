import { describe, expect, it } from 'vitest';
import { metricNodeSchema } from '../../../../src-main/contract/metrics';
import { applyValue } from './metrics-store';
import { EMPTY_FORM, formFromNode, nodeFromForm, readingFrom } from './node-form';

describe('metric node editor', () => {
  it('builds nodes the contract accepts, and round-trips them', () => {
    const r = nodeFromForm({ ...EMPTY_FORM, id: ' event:{event}:share ', kind: 'derived', fn: 'formula', args: 'event:{event}:signups,\n event:{event}:capacity', formula: ' signups / capacity ', keepArguments: true, label: 'Share' });
    expect(r.problems).toBeNull();
    expect(metricNodeSchema.parse(r.node)).toEqual(r.node);
    expect(r.node).toEqual({ id: 'event:{event}:share', kind: 'derived', label: 'Share', validitySeconds: 60, fn: 'formula', formula: 'signups / capacity', args: ['event:{event}:signups', 'event:{event}:capacity'], keepArguments: true });
    expect(nodeFromForm(formFromNode(r.node!)).node).toEqual(r.node);
    const input = nodeFromForm({ ...EMPTY_FORM, id: 'weather:risk', validitySeconds: '900', args: 'ignored' });
    expect(input.node).toEqual({ id: 'weather:risk', kind: 'input', label: undefined, validitySeconds: 900 });
  });

  it('takes "never" as a validity that never expires, and shows it back', () => {
    const r = nodeFromForm({ ...EMPTY_FORM, id: 'volunteers:total', validitySeconds: ' Never ' });
    expect(r.node).toEqual({ id: 'volunteers:total', kind: 'input', label: undefined, validitySeconds: null });
    expect(metricNodeSchema.parse(r.node)).toEqual(r.node);
    expect(formFromNode(r.node!).validitySeconds).toBe('never');
    expect(nodeFromForm({ ...EMPTY_FORM, id: 'x', validitySeconds: 'forever' }).problems?.validitySeconds).toMatch(/or "never"/);
  });

  it('sends a hand value as a reading when the time it was measured is given', () => {
    expect(readingFrom(4, '')).toBe(4);
    const local = '2026-12-03T09:30:15';
    expect(readingFrom(4, local)).toEqual({ value: 4, at: new Date(local).toISOString() });
    expect(readingFrom(4, 'not a time')).toBeNull();
  });

  it('says what to fix before anything is sent', () => {
    const r = nodeFromForm({ ...EMPTY_FORM, id: 'bad id!', kind: 'derived', fn: 'formula', validitySeconds: '0', args: ' , ' });
    expect(Object.keys(r.problems ?? {}).sort()).toEqual(['args', 'formula', 'id', 'validitySeconds']);
    for (const id of ['event:{event}:signups', 'weather.risk', 'a-b_c:1']) expect(nodeFromForm({ ...EMPTY_FORM, id }).problems).toBeNull();
    for (const id of ['event:{Event}:x', 'a::b', ':a', 'a b']) expect(nodeFromForm({ ...EMPTY_FORM, id }).problems?.id).toBeTruthy();
  });

  it('adds live values to the current value and the chart', () => {
    const base = [{ node: 'A', definition: 'A', label: null, value: 1, at: 1, expiresAt: 2, fresh: false, history: [{ at: 1, value: 1, source: 'input' as const }] }];
    const next = applyValue(base, { node: 'A', value: 5, at: 3, expiresAt: 63, source: 'computed' });
    expect(next[0]).toMatchObject({ value: 5, fresh: true, history: [{ value: 1 }, { value: 5, source: 'computed' }] });
    expect(base[0]!.value).toBe(1);
    expect(applyValue(base, { node: '0', value: 2, at: 3, expiresAt: 4, source: 'input' }).map((v) => v.node)).toEqual(['0', 'A']);
  });
});
