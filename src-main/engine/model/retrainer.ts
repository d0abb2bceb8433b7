import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { RpcError } from '../../contract/errors';
import type { ModelCandidate, ModelReport, ModelRetrainState, ModelTrainingProgress } from '../../contract/model';
import type { LabelledComment } from './training/data';
import { DEFAULT_EPOCHS } from './training/train-core';
import type { Clock } from '../clock';
import type { Keys } from '../keys';
import type { LiveBus } from '../live';
import type { Logger } from '../log';
import type { ModelArtifact } from './artifact';
import { checkWritable, readCandidate, removeCandidate, saveInUse, writeCandidate, type ModelFolders } from './model-folders';
import { currentModelVersion, fetchModel, publishModel } from './model-store';
import { TrainerCancelled, type StartTrainer, type TrainerRun } from './trainer-launch';

/** The seed of the shipped model; a retraining uses it unless told otherwise. */
export const DEFAULT_SEED = 42;

export interface RetrainerDeps {
  redis: Redis;
  keys: Keys;
  log: Logger;
  clock: Clock;
  live: LiveBus;
  folders: ModelFolders;
  /** Holds train.jsonl and test.jsonl (model/data in the repo). */
  trainingDataDir: string;
  corrections: () => Promise<LabelledComment[]>;
  startTrainer: StartTrainer;
  /** Called once a promoted model is published, with its report. */
  onPromoted: (artifact: ModelArtifact, report: ModelReport) => void;
}

interface Job {
  progress: ModelTrainingProgress;
  run: TrainerRun | null;
  done: Promise<void>;
}

const pct = (n: number): string => `${(Math.round(n * 1000) / 10).toFixed(1)}%`;

/**
 * Retraining from the app: one training at a time in a worker thread, its result kept as a
 * candidate in the data folder with both reports, then promoted (published into Redis under
 * its version, and kept for the next start) or discarded by the coordinator.
 */
export class Retrainer {
  private job: Job | null = null;
  /** The last training that failed or was cancelled (shown until the next one starts). */
  private last: ModelTrainingProgress | null = null;
  private promoting = false;

  constructor(private readonly d: RetrainerDeps) {}

  get running(): boolean {
    return this.job !== null;
  }

  /** Starts a retraining; answers at once with its first progress. */
  async start(opts: { seed?: number; epochs?: number }): Promise<ModelTrainingProgress> {
    if (this.job) throw this.busy();
    if (this.promoting) throw new RpcError('conflict', 'A retrained model is being put in use right now. Try again in a moment.');
    const corrections = await this.d.corrections();
    if (!corrections.length) {
      throw new RpcError('conflict', "There are no corrections yet, so there is nothing new to learn. Change a comment's intent on an event's Comments tab, then retrain.");
    }
    const trainFile = path.join(this.d.trainingDataDir, 'train.jsonl');
    const testFile = path.join(this.d.trainingDataDir, 'test.jsonl');
    for (const f of [trainFile, testFile]) {
      if (!existsSync(f)) throw new RpcError('unavailable', `The training data shipped with Voluntree is missing (${f}). Reinstall Voluntree, or run it from a complete checkout.`);
    }
    await checkWritable(this.d.folders).catch((err: NodeJS.ErrnoException) => {
      throw new RpcError('unavailable', `The data folder cannot hold a retrained model (${this.d.folders.root}: ${err.code ?? err.message}). Check that the folder is writable and the disk has room, then retrain.`);
    });
    // Checked again: the awaits above leave room for a second call.
    if (this.job) throw this.busy();

    const seed = opts.seed ?? DEFAULT_SEED;
    const epochs = opts.epochs ?? DEFAULT_EPOCHS;
    const progress: ModelTrainingProgress = { phase: 'starting', epoch: 0, epochs, loss: null, corrections: corrections.length, seed, startedAt: this.d.clock.now(), message: null };
    const job: Job = { progress, run: null, done: Promise.resolve() };
    this.job = job;
    this.last = null;
    this.publish(progress);
    const validFile = path.join(this.d.trainingDataDir, 'valid.jsonl');
    job.done = this.train(job, { trainFile, testFile, validFile, corrections, seed, epochs });
    return progress;
  }

  private busy(): RpcError {
    const p = this.job!.progress;
    const where = p.phase === 'training' ? ` (epoch ${p.epoch} of ${p.epochs})` : '';
    return new RpcError('conflict', `A retraining is already running${where}. Wait for it to finish; its progress shows in Settings → Model.`, { progress: p });
  }

  private async train(job: Job, t: { trainFile: string; testFile: string; validFile: string; corrections: LabelledComment[]; seed: number; epochs: number }): Promise<void> {
    const update = (patch: Partial<ModelTrainingProgress>): void => {
      job.progress = { ...job.progress, ...patch };
      this.publish(job.progress);
    };
    try {
      const version = await currentModelVersion(this.d.redis, this.d.keys);
      const current = version
        ? await fetchModel(this.d.redis, this.d.keys, version).catch((err: unknown) => {
            this.d.log.warn('model in use could not be read for the comparison', { version, err });
            return null;
          })
        : null;
      if (this.job !== job) return;
      job.run = this.d.startTrainer({ trainFile: t.trainFile, testFile: t.testFile, validFile: t.validFile, corrections: t.corrections, current, seed: t.seed, epochs: t.epochs }, (p) => {
        if (p.phase === 'training') update({ phase: 'training', epoch: p.epoch, loss: Number.isFinite(p.loss) ? p.loss : null });
        else update({ phase: 'evaluating' });
      });
      const result = await job.run.result;
      update({ phase: 'saving' });
      const candidate: ModelCandidate = {
        version: result.artifact.version,
        report: result.report,
        current: result.current,
        trainedAt: this.d.clock.now(),
        corrections: t.corrections.length,
        seed: t.seed,
        epochs: t.epochs,
        temperature: result.temperature,
      };
      try {
        await writeCandidate(this.d.folders, result.artifact, candidate);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
        throw new Error(`the new model could not be saved in ${this.d.folders.candidate} (${code}). Check that the data folder is writable and the disk has room, then retrain.`);
      }
      this.d.log.info('intent model retrained', { version: candidate.version, macroF1: candidate.report.summary.macroF1, current: candidate.current?.summary.macroF1 ?? null });
      update({ phase: 'ready' });
    } catch (err) {
      if (err instanceof TrainerCancelled) {
        update({ phase: 'cancelled', message: 'Retraining stopped; the model in use is unchanged.' });
      } else {
        const reason = err instanceof Error ? err.message : String(err);
        this.d.log.error('retraining failed', { err });
        update({ phase: 'failed', message: `Retraining failed: ${reason}. The model in use is unchanged.` });
      }
      if (this.job === job || this.job === null) this.last = job.progress;
    } finally {
      if (this.job === job) this.job = null;
    }
  }

  async state(): Promise<ModelRetrainState> {
    const read = this.job && this.job.progress.phase === 'saving' ? null : await readCandidate(this.d.folders);
    if (read && !read.candidate && read.problem) this.d.log.warn('retrained model ignored', { problem: read.problem });
    return { training: this.job?.progress ?? this.last, candidate: read?.candidate ?? null };
  }

  /**
   * Puts the candidate in use: kept in the data folder for the next start, then published
   * into Redis under its version (every gear worker switches between batches), then the
   * candidate folder is removed. A candidate scoring lower than the model in use, or compared
   * with a model no longer in use, needs `force`.
   */
  async promote(force: boolean): Promise<{ version: string; previous: string | null }> {
    if (this.job) throw new RpcError('conflict', 'A retraining is still running. Wait for it to finish, then choose whether to use the new model.');
    if (this.promoting) throw new RpcError('conflict', 'The new model is already being put in use.');
    this.promoting = true;
    try {
      const read = await readCandidate(this.d.folders);
      if (!read.candidate) {
        const why = read.problem ? ` (${read.problem})` : '';
        throw new RpcError('not_found', `There is no retrained model to use${why}. Retrain with your corrections first (Settings → Model).`);
      }
      const { candidate, artifact } = read;
      const previous = await currentModelVersion(this.d.redis, this.d.keys);
      const cur = candidate.current;
      if (!force && cur && cur.version !== previous) {
        throw new RpcError('conflict', 'The model in use changed after this one was trained, so their reports no longer compare. Retrain to compare again, or confirm to use the new model anyway.', { reason: 'stale', previous });
      }
      if (!force && cur && candidate.report.summary.macroF1 < cur.summary.macroF1) {
        throw new RpcError(
          'conflict',
          `The new model scores lower than the one in use (macro-F1 ${pct(candidate.report.summary.macroF1)} against ${pct(cur.summary.macroF1)}). Keep the current one, or confirm to use the new model anyway.`,
          { reason: 'lower', candidateMacroF1: candidate.report.summary.macroF1, currentMacroF1: cur.summary.macroF1 },
        );
      }
      await saveInUse(this.d.folders).catch((err: NodeJS.ErrnoException) => {
        throw new RpcError('unavailable', `The new model could not be kept in ${this.d.folders.inUse} (${err.code ?? err.message}); the model in use is unchanged. Check that the data folder is writable.`);
      });
      const version = await publishModel(this.d.redis, this.d.keys, artifact);
      await removeCandidate(this.d.folders);
      this.d.onPromoted(artifact, candidate.report);
      this.d.log.info('retrained intent model in use', { version, previous });
      return { version, previous };
    } finally {
      this.promoting = false;
    }
  }

  /** Removes the candidate and stops a retraining under way; the model in use stays. */
  async discard(): Promise<{ discarded: boolean }> {
    const stopped = await this.stop();
    const removed = await removeCandidate(this.d.folders);
    return { discarded: removed || stopped };
  }

  /** Stops a training under way (discard, engine stop); true when there was one. */
  async stop(): Promise<boolean> {
    const job = this.job;
    if (!job) return false;
    this.job = null;
    if (job.run) {
      await job.run.cancel().catch(() => undefined);
    } else {
      // Not in its thread yet: train() sees the job is no longer current and returns.
      job.progress = { ...job.progress, phase: 'cancelled', message: 'Retraining stopped; the model in use is unchanged.' };
      this.last = job.progress;
      this.publish(job.progress);
    }
    await job.done;
    return true;
  }

  private publish(p: ModelTrainingProgress): void {
    this.d.live.publish('model.training', p).catch(() => undefined);
  }
}
