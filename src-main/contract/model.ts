import { z } from 'zod';
import { liveEvent, request } from './define';

// The model part of the contract. Requests: name → args schema (zod) + result type.
// Live events: name → payload type. Merged into the whole contract by ./index.ts.

const intent = z.enum(['signup', 'cancel', 'question', 'other']);
export type ModelIntent = z.infer<typeof intent>;

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
  /** How many corrections the coordinator has made (they feed the next `npm run train`). */
  corrections: number;
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
    "Records the coordinator's intent for a comment; `npm run train -- --with-corrections` learns from it",
  ),
};

export const modelEvents = {
  'model.changed': liveEvent<{ version: string }>('A new intent model version is in use'),
};
