import type { Redis } from 'ioredis';
import type { Keys } from '../keys';
import type { Logger } from '../log';
import { isRedisUnavailable } from '../redis/errors';
import { artifactVersion, featureConfigSchema, reportSummarySchema, type ModelArtifact } from './artifact';
import type { FeatureConfig } from './features';
import { IntentModel } from './intent-model';

/** How long a replaced version stays in Redis (workers may still be loading it). */
const OLD_VERSION_TTL_SECONDS = 24 * 3600;

/**
 * Publishes a model into Redis: the artifact under `model:v:<version>` (a hash: topology,
 * weight specs, weights, features, summary), then the `model:current` pointer. The version key
 * is written first, so a worker that sees the pointer always finds the model.
 * With `onlyIfNone`, the pointer is set only when no model is published yet (a worker started
 * before the app must not replace the app's model with its own copy).
 * Returns the version now current.
 */
export async function publishModel(redis: Redis, keys: Keys, a: ModelArtifact, opts: { onlyIfNone?: boolean } = {}): Promise<string> {
  const key = keys.modelVersion(a.version);
  await redis.hset(key, {
    topology: JSON.stringify(a.topology),
    weightSpecs: JSON.stringify(a.weightSpecs),
    weights: Buffer.from(a.weights.buffer, a.weights.byteOffset, a.weights.byteLength),
    features: JSON.stringify(a.features),
    summary: JSON.stringify(a.summary),
  });
  await redis.persist(key);
  if (opts.onlyIfNone) {
    const set = await redis.set(keys.modelCurrent, a.version, 'NX');
    if (set === null) return (await redis.get(keys.modelCurrent)) ?? a.version;
    return a.version;
  }
  const previous = await redis.getset(keys.modelCurrent, a.version);
  if (previous && previous !== a.version) await redis.expire(keys.modelVersion(previous), OLD_VERSION_TTL_SECONDS);
  return a.version;
}

export async function currentModelVersion(redis: Redis, keys: Keys): Promise<string | null> {
  return redis.get(keys.modelCurrent);
}

/** Reads one published version back; checks its bytes hash to its version. */
export async function fetchModel(redis: Redis, keys: Keys, version: string): Promise<ModelArtifact> {
  const h = await redis.hgetallBuffer(keys.modelVersion(version));
  if (!h.weights || !h.topology || !h.weightSpecs || !h.features) throw new Error(`model ${version} is not in Redis (was it published?)`);
  const features = featureConfigSchema.parse(JSON.parse(h.features.toString('utf8'))) as FeatureConfig;
  const summaryJson = h.summary ? (JSON.parse(h.summary.toString('utf8')) as unknown) : null;
  const body = {
    topology: JSON.parse(h.topology.toString('utf8')) as object,
    weightSpecs: JSON.parse(h.weightSpecs.toString('utf8')) as ModelArtifact['weightSpecs'],
    weights: new Uint8Array(h.weights),
    features,
  };
  const computed = artifactVersion(body);
  if (computed !== version) throw new Error(`model ${version} in Redis is damaged (its bytes hash to ${computed})`);
  return { version, summary: summaryJson === null ? null : reportSummarySchema.parse(summaryJson), ...body };
}

export interface ModelWatcherOptions {
  redis: Redis;
  keys: Keys;
  log: Logger;
  /** How often the pointer is checked at most (between batches). Default 1000 ms. */
  checkEveryMs?: number;
  /** How often a published version that failed to load is tried again. Default 30 s. */
  retryBadEveryMs?: number;
  /** Called after a new version is loaded and in use. */
  onChange?: (version: string) => void;
}

/** A published version that could not be loaded, and why. */
export interface ModelLoadProblem {
  version: string;
  reason: string;
  /** The version still in use instead (null when none is loaded yet). */
  serving: string | null;
}

/**
 * The model a worker uses, following `model:current`. `current()` is called between batches:
 * when the pointer moved it loads the new version and swaps, so a batch always runs on one
 * model and no work is dropped. Until a model is published it waits.
 *
 * A published version that cannot be loaded (missing, damaged, not a model) never stops the
 * gear: the model already loaded keeps serving, the failure is logged once and reported by
 * `problem` (for health) until the pointer names a loadable version. The bad version is tried
 * again every `retryBadEveryMs` only, so a worker does not fetch a megabyte per batch. A worker
 * with no model at all waits, as before any model was published.
 */
export class ModelWatcher {
  private model: IntentModel | null = null;
  private lastCheck = 0;
  private loading: Promise<IntentModel> | null = null;
  private closed = false;
  private bad: (ModelLoadProblem & { triedAt: number }) | null = null;

  constructor(private readonly opts: ModelWatcherOptions) {}

  get loaded(): IntentModel | null {
    return this.model;
  }

  /** The published version this worker could not load, while the pointer still names it. */
  get problem(): ModelLoadProblem | null {
    if (!this.bad) return null;
    return { version: this.bad.version, reason: this.bad.reason, serving: this.model?.version ?? null };
  }

  /** The model to run the next batch with. Waits (polling) while no model is published. */
  async current(): Promise<IntentModel> {
    if (this.loading) return this.loading;
    const now = Date.now();
    if (this.model && now - this.lastCheck < (this.opts.checkEveryMs ?? 1000)) return this.model;
    this.loading = this.refresh().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /**
   * Looks at the published version now, however recent the last look (`current` looks at most
   * every `checkEveryMs`): after a promotion the app loads the new model at once, even when a
   * batch has just looked and no further comment arrives to make it look again.
   */
  async refreshNow(): Promise<IntentModel> {
    if (this.loading) await this.loading.catch(() => undefined);
    this.lastCheck = 0;
    return this.current();
  }

  private async refresh(): Promise<IntentModel> {
    let warned = false;
    for (;;) {
      const version = await currentModelVersion(this.opts.redis, this.opts.keys);
      this.lastCheck = Date.now();
      if (version && this.model?.version === version) {
        this.bad = null;
        return this.model;
      }
      if (version && this.bad?.version === version && Date.now() - this.bad.triedAt < (this.opts.retryBadEveryMs ?? 30_000)) {
        if (this.model) return this.model;
      } else if (version) {
        const next = await this.tryLoad(version);
        if (next) return next;
        if (this.model) return this.model;
      } else if (this.model) return this.model;
      if (this.closed) throw new Error('model watcher closed before a model was published');
      if (!warned && !version) {
        this.opts.log.warn('no intent model in Redis yet; waiting for the app to publish one');
        warned = true;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Loads and swaps in a version; on failure records the problem (logged once per version) and returns null. */
  private async tryLoad(version: string): Promise<IntentModel | null> {
    let next: IntentModel;
    try {
      next = await IntentModel.load(await fetchModel(this.opts.redis, this.opts.keys, version));
    } catch (err) {
      // Redis being away says nothing about the model: let the caller wait for it.
      if (isRedisUnavailable(err)) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      if (this.bad?.version !== version) {
        this.opts.log.error('published intent model cannot be loaded; keeping the one in use', { version, reason, serving: this.model?.version ?? null });
      }
      this.bad = { version, reason, serving: this.model?.version ?? null, triedAt: Date.now() };
      return null;
    }
    const old = this.model;
    this.model = next;
    this.bad = null;
    old?.dispose();
    this.opts.log.info('intent model loaded', { version, previous: old?.version ?? null });
    this.opts.onChange?.(version);
    return next;
  }

  close(): void {
    this.closed = true;
    this.model?.dispose();
    this.model = null;
  }
}
