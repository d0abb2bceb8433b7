import type { IntentModel } from '../intent-model';
import { evaluate, keywordBaseline, type Evaluation } from './evaluate';
import type { LabelledComment } from './data';

/** A hand-written comment with the slice and language its scores are broken down by (model/src/handwritten.ts reads them). */
export interface SlicedComment extends LabelledComment {
  slice: string;
  lang: string;
}

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
  calibration: CalibrationBin[];
}

export interface CalibrationBin {
  from: number;
  to: number;
  n: number;
  /** Mean confidence of the predictions in the bin. */
  confidence: number;
  /** Share of them that is right. */
  accuracy: number;
}

/** Predictions grouped into equal-width confidence bins; empty bins are left out. */
export function calibrationBins(confidences: readonly number[], correct: readonly boolean[], bins = 10): CalibrationBin[] {
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const right = new Array<number>(bins).fill(0);
  confidences.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.floor(c * bins));
    count[b]! += 1;
    conf[b]! += c;
    if (correct[i]) right[b]! += 1;
  });
  return count.flatMap((n, b) => (n ? [{ from: b / bins, to: (b + 1) / bins, n, confidence: conf[b]! / n, accuracy: right[b]! / n }] : []));
}

/**
 * Expected calibration error: the gap between confidence and accuracy, averaged over the
 * confidence bins weighted by how many predictions fall in each.
 */
export function expectedCalibrationError(confidences: readonly number[], correct: readonly boolean[], bins = 10): number {
  return eceOf(calibrationBins(confidences, correct, bins));
}

function eceOf(bins: readonly CalibrationBin[]): number {
  const total = bins.reduce((s, b) => s + b.n, 0);
  return total ? bins.reduce((s, b) => s + (b.n / total) * Math.abs(b.confidence - b.accuracy), 0) : 0;
}

/** Scores a model on hand-written comments, overall and per slice and language. */
export function scoreHandwritten(model: IntentModel, rows: readonly SlicedComment[]): HandwrittenScore {
  const predictions = model.classify(rows.map((r) => r.text));
  const keyword = rows.map((r) => keywordBaseline(r.text));
  const ok = rows.map((r, i) => predictions[i]!.intent === r.intent);
  const group = (key: (r: SlicedComment) => string): Record<string, GroupScore> => {
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
  const calibration = calibrationBins(predictions.map((p) => p.confidence), ok);
  return {
    model: evaluate(rows.map((r) => r.intent), predictions.map((p) => p.intent)),
    baseline: evaluate(rows.map((r) => r.intent), keyword),
    ece: eceOf(calibration),
    calibration,
    bySlice: group((r) => r.slice),
    byLang: group((r) => r.lang),
  };
}
