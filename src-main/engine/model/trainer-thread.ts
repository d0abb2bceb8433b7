/**
 * The training thread's entry (a worker_threads Worker; built as out/main/model-trainer.js).
 * It receives a RetrainRequest as workerData, posts progress, then the result or the failure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { retrain, type RetrainRequest } from './retrain-core';
import type { TrainerMessage } from './trainer-launch';

const port = parentPort;
if (!port) throw new Error('trainer-thread.ts runs only as a worker thread');
const post = (m: TrainerMessage): void => port.postMessage(m);

retrain(workerData as RetrainRequest, (progress) => post({ type: 'progress', progress }))
  .then((result) => post({ type: 'done', result }))
  .catch((err: unknown) => post({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
