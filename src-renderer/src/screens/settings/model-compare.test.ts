import type { ModelEvaluation, ModelReport } from '@contract/model';
import { describe, expect, it } from 'vitest';
import { compareReports, promoteWarning } from './model-compare';

function report(version: string, macroF1: number, signupPrecision: number): ModelReport {
  const s = { precision: 0.9, recall: 0.9, f1: 0.9, support: 10 };
  const model: ModelEvaluation = { macroF1, accuracy: macroF1, perIntent: { signup: { ...s, precision: signupPrecision }, cancel: s, question: s, other: s }, confusion: [] };
  return { version, summary: { macroF1, accuracy: macroF1, baselineMacroF1: 0.6, testSize: 100, trainSize: 1000, corrections: 0, seed: 42 }, model, baseline: model, probes: [] };
}

describe('comparing a retrained model with the one in use', () => {
  it('gives each figure its change in points and a direction', () => {
    const { overall, perIntent } = compareReports(report('a', 0.9208, 0.9), report('b', 0.9311, 0.85));
    expect(overall[0]).toMatchObject({ current: 0.9208, next: 0.9311, points: 1, direction: 'up' });
    expect(perIntent[0]).toMatchObject({ intent: 'signup', precision: { points: -5, direction: 'down' }, recall: { points: 0, direction: 'same' } });
  });

  it('shows the new figures alone when the current model has no report', () => {
    const { overall } = compareReports(null, report('b', 0.93, 0.9));
    expect(overall[0]).toMatchObject({ current: null, points: null, direction: null });
  });

  it('asks for confirmation when the new model scores lower or the model in use changed since', () => {
    expect(promoteWarning(report('a', 0.92, 0.9), report('b', 0.91, 0.9), 'a')).toBe('lower');
    expect(promoteWarning(report('a', 0.92, 0.9), report('b', 0.93, 0.9), 'a')).toBeNull();
    expect(promoteWarning(report('a', 0.92, 0.9), report('b', 0.93, 0.9), 'c')).toBe('stale');
    expect(promoteWarning(null, report('b', 0.5, 0.9), 'a')).toBeNull();
  });
});
