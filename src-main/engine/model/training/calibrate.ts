import { INTENTS } from '../../../contract/intents';
import { tf } from '../backend';
import { densify, featurize, type FeatureConfig } from '../features';
import type { LabelledComment } from './data';

/** Mean negative log-likelihood of the gold intents under softmax(logits / temperature). */
export function nllAt(logits: readonly (readonly number[])[], labels: readonly number[], temperature: number): number {
  let sum = 0;
  logits.forEach((row, i) => {
    const scaled = row.map((v) => v / temperature);
    const max = Math.max(...scaled);
    const logZ = max + Math.log(scaled.reduce((s, v) => s + Math.exp(v - max), 0));
    sum += logZ - scaled[labels[i]!]!;
  });
  return logits.length ? sum / logits.length : 0;
}

/**
 * Temperature scaling: the one number T that makes softmax(logits / T) fit held-out data best
 * (lowest mean NLL), found by a fixed grid (0.25 … 8, then a finer step around the best) so
 * the same data always gives the same T. T > 1 softens an over-confident model; the intent it
 * picks never changes.
 */
export function fitTemperature(logits: readonly (readonly number[])[], labels: readonly number[]): number {
  let best = 1;
  let bestNll = nllAt(logits, labels, 1);
  const tryT = (t: number): void => {
    const nll = nllAt(logits, labels, t);
    if (nll < bestNll - 1e-12) {
      best = t;
      bestNll = nll;
    }
  };
  for (let t = 0.25; t <= 8.0001; t += 0.25) tryT(Math.round(t * 100) / 100);
  const centre = best;
  for (let t = centre - 0.25; t <= centre + 0.25001; t += 0.01) if (t > 0.05) tryT(Math.round(t * 100) / 100);
  return best;
}

/**
 * Fits a temperature on `valid` and folds it into the output layer (kernel and bias divided by
 * T), which is exactly softmax(logits / T): every reader of the artifact, in any process,
 * gets calibrated probabilities without a new field to carry. Returns T.
 */
export function calibrate(model: tf.LayersModel, features: FeatureConfig, valid: readonly LabelledComment[]): number {
  if (valid.length === 0) return 1;
  const x = tf.tensor2d(densify(valid.map((r) => featurize(r.text, features)), features.dims), [valid.length, features.dims]);
  const probs = model.predict(x) as tf.Tensor2D;
  const rows = probs.arraySync();
  x.dispose();
  probs.dispose();
  // log p is the logits up to a per-row constant, which softmax ignores.
  const logits = rows.map((r) => r.map((p) => Math.log(Math.max(p, 1e-12))));
  const t = fitTemperature(logits, valid.map((r) => INTENTS.indexOf(r.intent)));
  const out = model.layers[model.layers.length - 1]!;
  const [kernel, bias] = out.getWeights();
  out.setWeights([tf.div(kernel!, t), tf.div(bias!, t)]);
  return t;
}
