import { RpcError } from '../../contract/errors';
import type { ClassifiedText, ModelCorrection, ModelInfo } from '../../contract/model';
import type { EngineContext, EngineModule } from '../module';
import { createClient } from '../redis/endpoint';
import type { StreamConsumer } from '../streams/consumer';
import type { Collection } from '../store/store';
import { readArtifact } from './artifact';
import { selectBackend, type BackendName } from './backend';
import { createClassifierConsumer } from './classifier-worker';
import { currentModelVersion, ModelWatcher, publishModel } from './model-store';
import { createPreprocessConsumer } from './preprocess';

export interface ModelModuleDeps {
  /** The trained artifact folder (model/artifact in the repo; resources in the packaged app). */
  artifactDir: string;
  /** Force a TensorFlow.js backend (default: native, else wasm, else cpu). */
  backend?: BackendName;
  /** Consumer tuning (tests use short claim times). */
  batchSize?: number;
  claimIdleMs?: number;
  claimEveryMs?: number;
}

/**
 * The intent model in the engine. At start it selects the TensorFlow.js backend, publishes the
 * artifact into Redis (the app role always; a worker only when nothing is published yet), and
 * runs the preprocess stage and the classifier gear, both following the published model and
 * switching between batches when its version changes. Handlers: `model.info`,
 * `model.classify`, and `model.correct` (app role only: corrections live in lowdb).
 */
export function createModelModule(ctx: EngineContext, deps: ModelModuleDeps): EngineModule {
  const log = ctx.log.child({ module: 'model' });
  let backend: BackendName | null = null;
  let localProblem: string | null = null;
  let watcher: ModelWatcher | null = null;
  let watchClient: ReturnType<typeof createClient> | null = null;
  let corrections: Collection<ModelCorrection[]> | null = null;
  const consumers: StreamConsumer<unknown>[] = [];

  const ensureWatcher = (): ModelWatcher => {
    if (!watcher) throw new RpcError('unavailable', 'The intent model is still starting. Try again in a moment.');
    return watcher;
  };

  const correctionsCollection = async (): Promise<Collection<ModelCorrection[]>> => {
    if (!ctx.store) throw new RpcError('unavailable', 'Corrections are stored by the Voluntree app, not by a worker process.');
    corrections ??= await ctx.store.collection<ModelCorrection[]>('corrections', () => []);
    return corrections;
  };

  return {
    name: 'model',
    async start() {
      backend = await selectBackend(deps.backend);
      const artifact = await readArtifact(deps.artifactDir).catch((err: unknown) => {
        localProblem = err instanceof Error ? err.message : String(err);
        return null;
      });
      if (artifact) {
        const current = await publishModel(ctx.redis, ctx.keys, artifact, { onlyIfNone: ctx.role === 'worker' });
        log.info('intent model published', { version: current, local: artifact.version, backend });
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
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      watcher?.close();
      watcher = null;
      watchClient?.disconnect();
      watchClient = null;
    },
    handlers: {
      'model.info': async (): Promise<ModelInfo> => {
        const loaded = watcher?.loaded ?? null;
        const count = ctx.store ? (await correctionsCollection()).data.length : 0;
        return {
          version: await currentModelVersion(ctx.redis, ctx.keys),
          loadedVersion: loaded?.version ?? null,
          backend,
          summary: loaded?.artifact.summary ?? null,
          corrections: count,
        };
      },
      'model.classify': async ({ texts }): Promise<ClassifiedText[]> => {
        const model = await ensureWatcher().current();
        return model.classify(texts).map((p, i) => ({ text: texts[i]!, intent: p.intent, confidence: p.confidence }));
      },
      'model.correct': async ({ commentId, text, intent }): Promise<ModelCorrection> => {
        const col = await correctionsCollection();
        const correction: ModelCorrection = { commentId, text, intent, at: ctx.clock.now() };
        await col.update((list) => {
          // One correction per comment: the coordinator's latest word wins.
          const i = list.findIndex((c) => c.commentId === commentId);
          if (i >= 0) list[i] = correction;
          else list.push(correction);
        });
        return correction;
      },
    },
    async health(report) {
      const version = watcher?.loaded?.version ?? (await currentModelVersion(ctx.redis, ctx.keys).catch(() => null));
      report.model = { version };
      if (!version) report.problems.push('No intent model is loaded yet: comments wait in the queue until one is published.');
      if (localProblem && ctx.role === 'app') report.problems.push(`The model files shipped with this app are unusable (${localProblem}); running the model published earlier.`);
      for (const c of consumers) {
        const s = await c.stats().catch(() => null);
        if (s) report.streams[c.stream.slice(ctx.keys.prefix.length)] = { length: s.length, pending: s.pending };
      }
      const dead = await ctx.redis.xlen(ctx.keys.streamDead).catch(() => 0);
      report.streams['stream:dead'] = { length: dead, pending: 0 };
    },
  };
}
