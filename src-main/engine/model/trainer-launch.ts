import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RetrainProgress, RetrainRequest, RetrainResult } from './retrain-core';

/** What the training thread posts back. */
export type TrainerMessage = { type: 'progress'; progress: RetrainProgress } | { type: 'done'; result: RetrainResult } | { type: 'failed'; message: string };

/** One training thread at work. */
export interface TrainerRun {
  result: Promise<RetrainResult>;
  /** Stops the thread; `result` then rejects with TrainerCancelled. */
  cancel(): Promise<void>;
}

export class TrainerCancelled extends Error {
  override name = 'TrainerCancelled';
}

/** Starts a training; the engine's modules take this as a dependency so tests can swap it. */
export type StartTrainer = (req: RetrainRequest, onProgress: (p: RetrainProgress) => void) => TrainerRun;

/** The bundle's file name for the thread's entry (electron.vite.config.ts builds it). */
export const TRAINER_BUNDLE_NAME = 'model-trainer.js';

/**
 * How to start the thread from wherever this code runs: from the TypeScript sources (tests,
 * tsx) through tsx's loader; from the build, the bundled entry beside the main bundle
 * (out/main/model-trainer.js; this code may sit in out/main or in a chunk below it).
 */
function workerFor(req: RetrainRequest): Worker {
  const here = fileURLToPath(import.meta.url);
  // A runaway training stops its own thread with an error instead of taking the engine down.
  const options = { workerData: req, resourceLimits: { maxOldGenerationSizeMb: 1536 } };
  if (here.endsWith('.ts')) {
    const entry = pathToFileURL(path.join(path.dirname(here), 'trainer-thread.ts')).href;
    // tsx is a development tool: named here only as data, so the build never depends on it.
    const loader = ['tsx', 'esm', 'api'].join('/');
    const boot = `import(${JSON.stringify(loader)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { ...options, eval: true });
  }
  const dirs = [path.dirname(here), path.dirname(path.dirname(here))];
  const entry = dirs.map((d) => path.join(d, TRAINER_BUNDLE_NAME)).find((f) => existsSync(f));
  if (!entry) throw new Error(`the training code (${TRAINER_BUNDLE_NAME}) is missing beside ${here}; rebuild Voluntree (npm run build)`);
  return new Worker(entry, options);
}

/**
 * Runs a retraining in a worker thread, so the engine's event loop and the classifier keep
 * running while a core trains. The thread ends after its answer.
 */
export const startTrainerThread: StartTrainer = (req, onProgress) => {
  const worker = workerFor(req);
  let cancelled = false;
  let settled = false;
  const result = new Promise<RetrainResult>((resolve, reject) => {
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: TrainerMessage) => {
      if (m.type === 'progress') onProgress(m.progress);
      else if (m.type === 'done') settle(() => resolve(m.result));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => {
      settle(() => reject(cancelled ? new TrainerCancelled('retraining cancelled') : new Error(`the training thread stopped unexpectedly (exit code ${code})`)));
    });
  });
  return {
    result,
    async cancel() {
      cancelled = true;
      await worker.terminate();
    },
  };
};
