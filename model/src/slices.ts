import type { IntentModel } from '../../src-main/engine/model/intent-model';
import { evaluate, keywordBaseline, type Evaluation } from './evaluate';
import type { HandwrittenComment } from './handwritten';

export interface GroupScore {
  n: number;
  /** Share the model gets right. */
  model: number;
  /** Share the keyword baseline gets right. */
  baseline: number;
}

export interface HandwrittenScore {
  model: Evaluation;
  baseline: Evaluation;
  /** Expected calibration error of the model's top probability, 10 equal-width bins. */
  ece: number;
  bySlice: Record<string, GroupScore>;
  byLang: Record<string, GroupScore>;
  /** Accuracy per 0.1-wide band of confidence (the calibration table). */
  calibration: { from: number; to: number; n: number; accuracy: number }[];
}

/**
 * Expected calibration error: the gap between confidence and accuracy, averaged over 10
 * confidence bins weighted by how many predictions fall in each.
 */
export function expectedCalibrationError(confidences: readonly number[], correct: readonly boolean[], bins = 10): number {
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  confidences.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    count[b]! += 1;
    conf[b]! += c;
    if (correct[i]) right[b]! += 1;
  });
  const n = confidences.length;
  if (n === 0) return 0;
  return count.reduce((sum, k, b) => (k ? sum + (k / n) * Math.abs(conf[b]! / k - right[b]! / k) : sum), 0);
}

/** Scores a model on hand-written comments, overall and per slice and language. */
export function scoreHandwritten(model: IntentModel, rows: readonly HandwrittenComment[]): HandwrittenScore {
  const predictions = model.classify(rows.map((r) => r.text));
  const keyword = rows.map((r) => keywordBaseline(r.text));
  const ok = rows.map((r, i) => predictions[i]!.intent === r.intent);
  const group = (key: (r: HandwrittenComment) => string): Record<string, GroupScore> => {
    const out: Record<string, GroupScore> = Object.create(null) as Record<string, GroupScore>;
    rows.forEach((r, i) => {
      const g = (out[key(r)] ??= { n: 0, model: 0, baseline: 0 });
      g.n += 1;
      if (ok[i]) g.model += 1;
      if (keyword[i] === r.intent) g.baseline += 1;
    });
    for (const g of Object.values(out)) {
      g.model /= g.n;
      g.baseline /= g.n;
    }
    return out;
  };
  return {
    model: evaluate(rows.map((r) => r.intent), predictions.map((p) => p.intent)),
    baseline: evaluate(rows.map((r) => r.intent), keyword),
    ece: expectedCalibrationError(predictions.map((p) => p.confidence), ok),
    calibration: Array.from({ length: 10 }, (_v, b) => {
      const inBand = predictions.map((p, i) => [p, ok[i]] as const).filter(([p]) => Math.min(9, Math.floor(p.confidence * 10)) === b);
      return { from: b / 10, to: (b + 1) / 10, n: inBand.length, accuracy: inBand.length ? inBand.filter(([, k]) => k).length / inBand.length : 0 };
    }).filter((b) => b.n > 0),
    bySlice: group((r) => r.slice),
    byLang: group((r) => r.lang),
  };
}
