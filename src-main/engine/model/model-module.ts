import { existsSync } from 'node:fs';
import path from 'node:path';
import { RpcError } from '../../contract/errors';
import type { ClassifiedText, ModelCorrection, ModelInfo, ModelReport } from '../../contract/model';
import type { EngineContext, EngineModule } from '../module';
import { createClient } from '../redis/endpoint';
import type { StreamConsumer } from '../streams/consumer';
import { readArtifact, type ModelArtifact } from './artifact';
import { selectBackend, type BackendName } from './backend';
import { createClassifierConsumer } from '../pipeline/stages/classify';
import { createCorrections, type CorrectionsPort } from './corrections';
import { modelFolders, readInUse, readShippedReport } from './model-folders';
import { currentModelVersion, ModelWatcher, publishModel } from './model-store';
import { createPreprocessConsumer } from '../pipeline/stages/preprocess';
import { Retrainer } from './retrainer';
import { startTrainerThread, type StartTrainer } from './trainer-launch';

export interface ModelModuleDeps {
  /** The trained artifact folder (model/artifact in the repo; resources in the packaged app). */
  artifactDir: string;
  /** Force a TensorFlow.js backend (default: native, else wasm, else cpu). */
  backend?: BackendName;
  /** Consumer tuning (tests use short claim times). */
  batchSize?: number;
  claimIdleMs?: number;
  claimEveryMs?: number;
  /** train.jsonl + test.jsonl for retraining (default: model/data beside the artifact, or <artifact>/data when packaged). */
  trainingDataDir?: string;
  /** How a retraining runs (default: a worker thread). */
  startTrainer?: StartTrainer;
}

/** The shipped training data: model/data beside model/artifact in the repo, <resources>/model/data when packaged. */
export function defaultTrainingDataDir(artifactDir: string): string {
  const dirs = [path.join(artifactDir, '..', 'data'), path.join(artifactDir, 'data')];
  return dirs.find((d) => existsSync(path.join(d, 'train.jsonl'))) ?? dirs[0]!;
}

/**
 * The intent model in the engine. At start it selects the TensorFlow.js backend, publishes the
 * artifact into Redis (the app role always; a worker only when nothing is published yet), and
 * runs the preprocess stage and the classifier gear, both following the published model and
 * switching between batches when its version changes. Handlers: `model.info`,
 * `model.classify`, and (app role only: corrections and retrained models live in the data folder)
 * `model.correct`, `model.retrain`, `model.candidate`, `model.promote`, `model.discard`.
 * A model promoted from a retraining is kept in `<dataDir>/model/in-use/` and published at
 * the next start instead of the shipped one.
 */
/** The model module, and the corrections port it offers the pipeline (engine/modules.ts). */
export interface ModelModule extends EngineModule {
  corrections: CorrectionsPort;
}

export function createModelModule(ctx: EngineContext, deps: ModelModuleDeps): ModelModule {
  const log = ctx.log.child({ module: 'model' });
  let backend: BackendName | null = null;
  let localProblem: string | null = null;
  let watcher: ModelWatcher | null = null;
  let watchClient: ReturnType<typeof createClient> | null = null;
  const consumers: StreamConsumer<unknown>[] = [];
  const folders = modelFolders(ctx.dataDir);
  /** What this process published at start or promoted since, with its report when known. */
  let published: { version: string; source: 'shipped' | 'retrained'; report: ModelReport | null } | null = null;
  let inUseProblem: string | null = null;
  let retrainer: Retrainer | null = null;

  const ensureWatcher = (): ModelWatcher => {
    if (!watcher) throw new RpcError('unavailable', 'The intent model is still starting. Try again in a moment.');
    return watcher;
  };

  const corrections = createCorrections(ctx);

  const ensureRetrainer = (): Retrainer => {
    if (!ctx.store) throw new RpcError('unavailable', 'Retraining runs in the Voluntree app, where the corrections are kept, not in a worker process.');
    retrainer ??= new Retrainer({
      redis: ctx.redis,
      keys: ctx.keys,
      log,
      clock: ctx.clock,
      live: ctx.live,
      folders,
      trainingDataDir: deps.trainingDataDir ?? defaultTrainingDataDir(deps.artifactDir),
      corrections: async () => (await corrections.list()).map((c) => ({ text: c.text, intent: c.intent })),
      startTrainer: deps.startTrainer ?? startTrainerThread,
      onPromoted: (artifact, report) => {
        published = { version: artifact.version, source: 'retrained', report };
        inUseProblem = null;
        // Load it here now rather than at the next batch, so the UI hears model.changed at once.
        watcher?.refreshNow().catch((err: unknown) => log.warn('promoted model not loaded yet', { err }));
      },
    });
    return retrainer;
  };

  /** The app prefers the model promoted from a retraining; a damaged one falls back to the shipped model. */
  const promotedArtifact = async (): Promise<{ artifact: ModelArtifact; report: ModelReport | null } | null> => {
    if (ctx.role !== 'app') return null;
    return readInUse(folders).catch((err: unknown) => {
      inUseProblem = `The retrained model in ${folders.inUse} is unusable (${err instanceof Error ? err.message : String(err)})`;
      log.warn('retrained model unusable; using the shipped one', { problem: inUseProblem });
      return null;
    });
  };

  return {
    corrections,
    name: 'model',
    async start() {
      backend = await selectBackend(deps.backend);
      const promoted = await promotedArtifact();
      const artifact =
        promoted?.artifact ??
        (await readArtifact(deps.artifactDir).catch((err: unknown) => {
          localProblem = err instanceof Error ? err.message : String(err);
          return null;
        }));
      if (promoted) published = { version: promoted.artifact.version, source: 'retrained', report: promoted.report };
      else if (artifact) published = { version: artifact.version, source: 'shipped', report: await readShippedReport(deps.artifactDir, artifact.version) };
      if (artifact) {
        const current = await publishModel(ctx.redis, ctx.keys, artifact, { onlyIfNone: ctx.role === 'worker' });
        log.info('intent model published', { version: current, local: artifact.version, source: published?.source, backend });
      } else if (ctx.role === 'app' && !(await currentModelVersion(ctx.redis, ctx.keys))) {
        // Without a model comments cannot be classified at all: refuse to start, saying why.
        throw new Error(localProblem ?? 'no intent model');
      } else {
        log.warn('local model artifact unusable; using the one published in Redis', { problem: localProblem });
      }
      watchClient = createClient(ctx.redisEndpoint, 'command', 'vt-model-store');
      watcher = new ModelWatcher({
        redis: watchClient,
        keys: ctx.keys,
        log,
        onChange: (version) => ctx.live.publish('model.changed', { version }).catch(() => undefined),
      });
      const w = watcher;
      // A worker started before the app waits for the model inside its first batch instead of
      // holding up the engine's start.
      if (await currentModelVersion(ctx.redis, ctx.keys)) await w.current();
      const common = {
        redis: ctx.redis,
        endpoint: ctx.redisEndpoint,
        gears: ctx.gears,
        keys: ctx.keys,
        log,
        ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
        ...(deps.claimIdleMs !== undefined ? { claimIdleMs: deps.claimIdleMs } : {}),
        ...(deps.claimEveryMs !== undefined ? { claimEveryMs: deps.claimEveryMs } : {}),
      };
      const pre = createPreprocessConsumer({ ...common, features: async () => (await w.current()).features });
      const gear = createClassifierConsumer({ ...common, model: () => w.current() });
      consumers.push(pre as StreamConsumer<unknown>, gear as StreamConsumer<unknown>);
      await pre.start();
      await gear.start();
    },
    async stop() {
      await retrainer?.stop();
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      watcher?.close();
      watcher = null;
      watchClient?.disconnect();
      watchClient = null;
    },
    handlers: {
      'model.info': async (): Promise<ModelInfo> => {
        const loaded = watcher?.loaded ?? null;
        const count = await corrections.count();
        const version = await currentModelVersion(ctx.redis, ctx.keys);
        const ours = published && published.version === version ? published : null;
        return {
          version,
          loadedVersion: loaded?.version ?? null,
          backend,
          summary: loaded?.artifact.summary ?? null,
          report: ours?.report ?? null,
          source: ours?.source ?? 'published',
          corrections: count,
        };
      },
      'model.classify': async ({ texts }): Promise<ClassifiedText[]> => {
        const model = await ensureWatcher().current();
        return model.classify(texts).map((p, i) => ({ text: texts[i]!, intent: p.intent, confidence: p.confidence }));
      },
      'model.correct': async ({ commentId, text, intent }): Promise<ModelCorrection> => corrections.record({ commentId, text, intent }),
      'model.retrain': async ({ seed, epochs }) => ensureRetrainer().start({ ...(seed !== undefined ? { seed } : {}), ...(epochs !== undefined ? { epochs } : {}) }),
      'model.candidate': async () => ensureRetrainer().state(),
      'model.promote': async ({ force }) => ensureRetrainer().promote(force === true),
      'model.discard': async () => ensureRetrainer().discard(),
    },
    async health(report) {
      const version = watcher?.loaded?.version ?? (await currentModelVersion(ctx.redis, ctx.keys).catch(() => null));
      report.model = { version };
      if (!version) report.problems.push('No intent model is loaded yet: comments wait in the queue until one is published.');
      if (inUseProblem) report.problems.push(`${inUseProblem}; running the shipped model instead. Retrain in Settings → Model.`);
      const bad = watcher?.problem ?? null;
      if (bad) {
        report.problems.push(
          bad.serving
            ? `The intent model published as version ${bad.version.slice(0, 12)} cannot be loaded (${bad.reason}); comments are still classified with version ${bad.serving.slice(0, 12)}. Retrain and use a new model in Settings → Model, or restart the app to publish its own.`
            : `The intent model published as version ${bad.version.slice(0, 12)} cannot be loaded (${bad.reason}); comments wait in the queue until a working model is published. Restart the app to publish its own.`,
        );
      }
      if (localProblem && ctx.role === 'app') report.problems.push(`The model files shipped with this app are unusable (${localProblem}); running the model published earlier.`);
      for (const c of consumers) {
        const s = await c.stats().catch(() => null);
        if (s) report.streams[c.stream.slice(ctx.keys.prefix.length)] = { length: s.length, pending: s.pending };
      }
    },
  };
}
