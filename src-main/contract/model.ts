import { z } from 'zod';
import { liveEvent, request } from './define';
import { INTENTS, type IntentName } from './intents';

// The model part of the contract. Requests: name → args schema (zod) + result type.
// Live events: name → payload type. Merged into the whole contract by ./index.ts.

const intent = z.enum(INTENTS);
export type ModelIntent = IntentName;

export interface ModelReportSummary {
  macroF1: number;
  accuracy: number;
  baselineMacroF1: number;
  testSize: number;
  trainSize: number;
  corrections: number;
  seed: number;
}

export interface ModelInfo {
  /** The version published in Redis (what every worker runs), or null before the first start. */
  version: string | null;
  /** The version this process has loaded. */
  loadedVersion: string | null;
  /** The TensorFlow.js backend in use here: tensorflow (native), wasm or cpu. */
  backend: string | null;
  summary: ModelReportSummary | null;
  /** The full evaluation of the model in use, when its report is at hand (shipped or retrained here). */
  report: ModelReport | null;
  /** Where the model in use came from: shipped with the app, or retrained here with corrections. */
  source: 'shipped' | 'retrained' | 'published';
  /** How many corrections the coordinator has made (they feed the next retraining). */
  corrections: number;
}

export interface ModelIntentScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ModelEvaluation {
  macroF1: number;
  accuracy: number;
  perIntent: Record<ModelIntent, ModelIntentScores>;
  /** confusion[actual][predicted], both in the order signup, cancel, question, other. */
  confusion: number[][];
}

/** A model's evaluation on the held-out test split (the same split for every model). */
export interface ModelReport {
  version: string;
  summary: ModelReportSummary;
  model: ModelEvaluation;
  baseline: ModelEvaluation;
  probes: { text: string; intent: string; confidence: number; ok: boolean }[];
}

/** Where a retraining is: a progress bar's worth, sent as `model.training` while it runs. */
export interface ModelTrainingProgress {
  phase: 'starting' | 'training' | 'evaluating' | 'saving' | 'ready' | 'failed' | 'cancelled';
  /** Epochs done so far, of `epochs`. */
  epoch: number;
  epochs: number;
  /** The training loss after the last epoch done. */
  loss: number | null;
  corrections: number;
  seed: number;
  startedAt: number;
  /** Set when `phase` is `failed`: what went wrong and what to do. */
  message: string | null;
}

/** A retrained model waiting for the coordinator's decision, with both reports on the same test split. */
export interface ModelCandidate {
  version: string;
  report: ModelReport;
  /** The model in use when the candidate was trained, evaluated on the same test split. */
  current: ModelReport | null;
  trainedAt: number;
  corrections: number;
  seed: number;
  epochs: number;
  /**
   * The temperature its confidences were calibrated with (fitted on the shipped validation
   * split, as `npm run train` does), so the review threshold means the same for it; null when the
   * split was missing and the confidences are uncalibrated.
   */
  temperature?: number | null;
}

export interface ModelRetrainState {
  /** The running retraining, or the last one that failed or was cancelled; null when none. */
  training: ModelTrainingProgress | null;
  candidate: ModelCandidate | null;
}

export interface ClassifiedText {
  text: string;
  intent: ModelIntent;
  confidence: number;
}

export interface ModelCorrection {
  commentId: string;
  text: string;
  intent: ModelIntent;
  /** When the correction was made (ms since the epoch). */
  at: number;
}

export const modelRequests = {
  'model.info': request<ModelInfo>()(z.object({}).strict(), 'The intent model in use: version, backend and evaluation summary'),
  'model.classify': request<ClassifiedText[]>()(
    z.object({ texts: z.array(z.string().max(8000)).min(1).max(1000) }).strict(),
    'Classifies comments with the current model (signup, cancel, question, other)',
  ),
  'model.correct': request<ModelCorrection>()(
    z.object({ commentId: z.string().min(1).max(200), text: z.string().min(1).max(8000), intent }).strict(),
    "Records the coordinator's intent for a comment; the next retraining learns from it",
  ),
  'model.retrain': request<ModelTrainingProgress>()(
    z
      .object({
        /** Same seed, same corrections → the same model. */
        seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
        /** Fewer epochs train faster (tests); the default is the shipped model's. */
        epochs: z.number().int().min(1).max(30).optional(),
      })
      .strict(),
    'Starts retraining the intent model with the corrections, in the background (progress: model.training)',
  ),
  'model.candidate': request<ModelRetrainState>()(
    z.object({}).strict(),
    'The retraining under way and the retrained model waiting to be used, with its report beside the current one',
  ),
  'model.promote': request<{ version: string; previous: string | null }>()(
    z.object({ force: z.boolean().optional() }).strict(),
    'Puts the retrained model in use everywhere (force: even when it scores lower than the current one)',
  ),
  'model.discard': request<{ discarded: boolean }>()(
    z.object({}).strict(),
    'Throws away the retrained model (or stops a retraining under way) and keeps the current one',
  ),
};

export const modelEvents = {
  'model.changed': liveEvent<{ version: string }>('A new intent model version is in use'),
  'model.training': liveEvent<ModelTrainingProgress>('A retraining moved on: phase, epoch of epochs, or its failure'),
};
