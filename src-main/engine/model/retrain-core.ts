import { existsSync } from 'node:fs';
import type { ModelReport } from '../../contract/model';
import { readLabelled, type LabelledComment } from './training/data';
import { buildReport } from './training/report';
import { DEFAULT_EPOCHS, trainIntentModel, trainingRows } from './training/train-core';
import type { ModelArtifact } from './artifact';
import { selectBackend, type BackendName } from './backend';
import { IntentModel } from './intent-model';

/** What one retraining needs; plain data, so it crosses into the training thread as it is. */
export interface RetrainRequest {
  /** The shipped labelled data (`train.jsonl`, `test.jsonl`). */
  trainFile: string;
  testFile: string;
  /** The shipped validation split (`valid.jsonl`): the temperature is fitted on it; absent → uncalibrated. */
  validFile?: string;
  corrections: LabelledComment[];
  /** The model in use, evaluated on the same test split for the side-by-side report. */
  current: ModelArtifact | null;
  seed: number;
  epochs?: number;
  /** Default wasm (single-threaded in Node: the same seed gives the same bytes), else cpu. */
  backend?: BackendName;
}

export type RetrainProgress = { phase: 'training'; epoch: number; epochs: number; loss: number } | { phase: 'evaluating' };

export interface RetrainResult {
  /** The candidate, its summary set from its report. */
  artifact: ModelArtifact;
  report: ModelReport;
  current: ModelReport | null;
  /** The fitted temperature, or null when there was no validation split. */
  temperature: number | null;
}

/**
 * Trains a model on the shipped data plus the corrections and evaluates it and the model in
 * use on the shipped test split. Runs inside the training thread (`trainer-thread.ts`): it
 * keeps a core busy for tens of seconds.
 */
export async function retrain(req: RetrainRequest, onProgress: (p: RetrainProgress) => void): Promise<RetrainResult> {
  await selectBackend(req.backend ?? 'wasm').catch(() => selectBackend('cpu'));
  const train = readLabelled(req.trainFile);
  const test = readLabelled(req.testFile);
  const epochs = req.epochs ?? DEFAULT_EPOCHS;
  // Calibrated the way the shipped model is, so a confidence (and the review threshold) means
  // the same after a retraining as before it.
  const valid = req.validFile && existsSync(req.validFile) ? readLabelled(req.validFile) : [];
  let temperature: number | null = null;
  // Say "training" as soon as the network starts, not only after the first epoch: with 16,384
  // buckets one epoch over the shipped data takes a minute or more on a small machine, and the
  // coordinator would see "starting" all that time.
  onProgress({ phase: 'training', epoch: 0, epochs, loss: Number.NaN });
  const draft = await trainIntentModel(trainingRows(train, req.corrections), {
    seed: req.seed,
    epochs,
    calibrateOn: valid,
    onCalibrated: (t) => {
      temperature = t;
    },
    onEpoch: (epoch, loss) => onProgress({ phase: 'training', epoch, epochs, loss }),
  });
  onProgress({ phase: 'evaluating' });
  const candidate = await IntentModel.load(draft);
  const report = buildReport(candidate, test, { seed: req.seed, trainSize: train.length, corrections: req.corrections.length });
  candidate.dispose();
  let current: ModelReport | null = null;
  if (req.current) {
    const s = req.current.summary;
    const model = await IntentModel.load(req.current);
    current = buildReport(model, test, { seed: s?.seed ?? 0, trainSize: s?.trainSize ?? 0, corrections: s?.corrections ?? 0 });
    model.dispose();
  }
  return { artifact: { ...draft, summary: report.summary }, report, current, temperature };
}
