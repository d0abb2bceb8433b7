import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../backend';
import { DEFAULT_FEATURE_SETTINGS } from '../features';
import { readLabelled } from './data';
import { evaluate, keywordBaseline } from './evaluate';
import { FULL_RATE_EPOCHS, learningRateAt, trainIntentModel } from './train-core';

const subset = readLabelled(path.resolve(import.meta.dirname, '../../../../model/data/train.jsonl')).slice(0, 160);
const small = { seed: 7, epochs: 2, features: { ...DEFAULT_FEATURE_SETTINGS, dims: 256 } };

describe('training', () => {
  it('is deterministic: the same seed gives the same weights, another seed other weights', async () => {
    await selectBackend('cpu');
    const a = await trainIntentModel(subset, small);
    const b = await trainIntentModel(subset, small);
    const c = await trainIntentModel(subset, { ...small, seed: 8 });
    expect(Buffer.from(a.weights).equals(Buffer.from(b.weights))).toBe(true);
    expect(a.version).toBe(b.version);
    expect(c.version).not.toBe(a.version);
  });

  it('keeps the full learning rate for the first epochs, then halves it each epoch', () => {
    expect(FULL_RATE_EPOCHS).toBe(2);
    expect([0, 1, 2, 3, 4, 5].map((e) => learningRateAt(0.005, e))).toEqual([0.005, 0.005, 0.0025, 0.00125, 0.000625, 0.0003125]);
  });

  it('scores with macro-F1, per-intent precision/recall and a confusion matrix', () => {
    const e = evaluate(['signup', 'signup', 'cancel', 'other'], ['signup', 'other', 'cancel', 'other']);
    expect(e.accuracy).toBe(0.75);
    expect(e.perIntent.signup).toMatchObject({ precision: 1, recall: 0.5, support: 2 });
    expect(e.perIntent.other.precision).toBe(0.5);
    expect(e.confusion[0]).toEqual([1, 0, 0, 1]);
    // question has no support and no predictions: F1 0, which the macro average counts.
    expect(e.macroF1).toBeCloseTo((2 / 3 + 1 + 0 + 2 / 3) / 4, 6);
  });

  it('has a keyword baseline that reads the obvious words', () => {
    expect(keywordBaseline('count me in')).toBe('signup');
    expect(keywordBaseline('please cancel me')).toBe('cancel');
    expect(keywordBaseline('where is it?')).toBe('question');
    expect(keywordBaseline('lovely')).toBe('other');
  });
});
