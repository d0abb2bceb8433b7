import { INTENTS } from '../../../contract/intents';
import type { ModelArtifact, ReportSummary } from '../artifact';
import { tf } from '../backend';
import { densify, featureConfig, featurize, DEFAULT_FEATURE_SETTINGS, type FeatureSettings } from '../features';
import { buildNetwork, toArtifact } from '../intent-model';
import { calibrate } from './calibrate';
import type { LabelledComment } from './data';
import { seededRandom, shuffleInPlace } from './random';

/** Epochs of the shipped model; retraining in the app uses the same by default. */
export const DEFAULT_EPOCHS = 6;

/**
 * Epochs trained at the full learning rate; each later epoch halves it. At a constant 0.005 the
 * training loss rose again from epoch 3 on (0.25 → 0.28 → 0.27 with the 2,498-comment corpus):
 * the steps had become too large for the minimum Adam was circling.
 */
export const FULL_RATE_EPOCHS = 2;

/** The learning rate of epoch `epoch` (0-based): `base` for FULL_RATE_EPOCHS, then halved each epoch. */
export function learningRateAt(base: number, epoch: number): number {
  return base * 0.5 ** Math.max(0, epoch - FULL_RATE_EPOCHS + 1);
}

/** Adam whose learning rate can be lowered between epochs (the field is protected in TF.js). */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(rate: number): void {
    this.learningRate = rate;
  }
}

/** How many times a correction counts: it is the coordinator's word on a real comment. */
export const CORRECTION_WEIGHT = 3;

/** The rows to train on: the labelled data, then each correction CORRECTION_WEIGHT times. */
export function trainingRows(train: readonly LabelledComment[], corrections: readonly LabelledComment[]): LabelledComment[] {
  const rows = [...train];
  for (let i = 0; i < CORRECTION_WEIGHT; i += 1) rows.push(...corrections);
  return rows;
}

export interface TrainOptions {
  seed: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  features?: FeatureSettings;
  /** Hidden units (see buildNetwork). */
  hidden?: number;
  /** Held-out rows to fit the temperature on (model/data/valid.jsonl); none → uncalibrated. */
  calibrateOn?: readonly LabelledComment[];
  /** Called with the fitted temperature. */
  onCalibrated?: (temperature: number) => void;
  /** Called after each epoch (progress output). */
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Trains the network on labelled comments. Deterministic for a given seed on the cpu backend:
 * seeded initialisers, seeded shuffling each epoch, no dropout. Callers select the backend.
 */
export async function trainIntentModel(rows: readonly LabelledComment[], opts: TrainOptions, summary: ReportSummary | null = null): Promise<ModelArtifact> {
  const features = featureConfig(opts.features ?? DEFAULT_FEATURE_SETTINGS);
  const epochs = opts.epochs ?? DEFAULT_EPOCHS;
  const batchSize = opts.batchSize ?? 32;
  const rand = seededRandom(opts.seed);
  const sparse = rows.map((r) => featurize(r.text, features));
  const labels = rows.map((r) => INTENTS.indexOf(r.intent));
  const model = buildNetwork(features.dims, opts.seed, opts.hidden);
  const baseRate = opts.learningRate ?? 0.005;
  // The same defaults as tf.train.adam (beta1 0.9, beta2 0.999, its epsilon).
  const optimizer = new ScheduledAdam(baseRate, 0.9, 0.999);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const order = rows.map((_r, i) => i);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    optimizer.setLearningRate(learningRateAt(baseRate, epoch));
    shuffleInPlace(order, rand);
    const x = tf.tensor2d(densify(order.map((i) => sparse[i]!), features.dims), [order.length, features.dims]);
    const y = tf.oneHot(tf.tensor1d(order.map((i) => labels[i]!), 'int32'), INTENTS.length).toFloat();
    const h = await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
    x.dispose();
    y.dispose();
    opts.onEpoch?.(epoch + 1, Number(h.history.loss?.[0] ?? NaN));
  }
  if (opts.calibrateOn?.length) opts.onCalibrated?.(calibrate(model, features, opts.calibrateOn));
  const artifact = await toArtifact(model, features, summary);
  model.dispose();
  return artifact;
}
