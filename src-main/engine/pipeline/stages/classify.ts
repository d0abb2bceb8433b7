// Stage 3 of the pipeline (chain.ts): the classifier gear runs the intent model once per batch
// of comments and writes each comment's intent, confidence and scores.
import type { Redis } from 'ioredis';
import type { Gears } from '../../gears/loader';
import type { Keys } from '../../keys';
import type { Logger } from '../../log';
import type { RedisEndpoint } from '../../redis/endpoint';
import { StreamConsumer, type StreamEntry } from '../../streams/consumer';
import { commentEntry, type CommentEntry, type IntentEntry } from '../../streams/entries';
import type { IntentModel } from '../../model/intent-model';
import { unpackFeatures } from '../../model/packed-features';
import { INTENTS_MAXLEN } from './preprocess';
import type { StageDeclaration } from './stage';

export const CLASSIFIER_GROUP = 'classifier';

export const CLASSIFY_STAGE = {
  name: 'classify',
  input: (keys: Keys) => keys.streamComments,
  group: CLASSIFIER_GROUP,
  schema: commentEntry,
  commit: 'vt_classify',
  output: (keys: Keys) => [keys.streamIntents],
} as const satisfies StageDeclaration;

export interface ClassifierDeps {
  redis: Redis;
  endpoint: RedisEndpoint;
  gears: Gears;
  keys: Keys;
  log: Logger;
  /** The model to run the next batch with (ModelWatcher.current: swaps between batches). */
  model: () => Promise<IntentModel>;
  /** Most comments per batch (whatever is waiting, up to this). Default 256. */
  batchSize?: number;
  blockMs?: number;
  claimIdleMs?: number;
  claimEveryMs?: number;
  maxDeliveries?: number;
  consumer?: string;
  /** Called after each committed batch (metrics, benchmarks). */
  onBatch?: (info: { size: number; written: number; skipped: number; modelVersion: string }) => void;
}

/**
 * Classifies one batch with a single model run. A comment whose features were made with
 * another feature config (the model changed after preprocessing) is re-featurised from its
 * text, so a model never sees input it was not trained for.
 */
export function classifyBatch(model: IntentModel, batch: readonly CommentEntry[]): IntentEntry[] {
  const rows = batch.map((e) => {
    if (e.featureVersion !== model.features.version) return model.featurize(e.item.message);
    return typeof e.features === 'string' ? unpackFeatures(e.features) : e.features;
  });
  const predictions = model.predictSparse(rows);
  return batch.map((e, i) => {
    const p = predictions[i]!;
    return { item: e.item, intent: p.intent, confidence: p.confidence, scores: p.scores, modelVersion: model.version };
  });
}

/**
 * The classifier gear: a consumer group on the comments stream that reads whatever is waiting
 * (up to a few hundred), runs the model once for the batch, and commits with ONE `vt_classify`
 * call that appends the IntentEntries to the intents stream and acknowledges and deletes the
 * comments atomically. Dead workers' batches are reclaimed and poison entries dead-lettered by
 * the shared StreamConsumer.
 */
export function createClassifierConsumer(deps: ClassifierDeps): StreamConsumer<CommentEntry> {
  const handle = async (batch: StreamEntry<CommentEntry>[], self: StreamConsumer<CommentEntry>): Promise<void> => {
    const model = await deps.model();
    const results = classifyBatch(model, batch.map((e) => e.value));
    const args: (string | number)[] = [self.group, INTENTS_MAXLEN];
    batch.forEach((e, i) => args.push(e.id, JSON.stringify(results[i])));
    const [written, skipped] = await deps.gears.call(CLASSIFY_STAGE.commit, [deps.keys.streamComments, deps.keys.streamIntents], args);
    deps.onBatch?.({ size: batch.length, written, skipped, modelVersion: model.version });
  };
  return new StreamConsumer<CommentEntry>({
    redis: deps.redis,
    endpoint: deps.endpoint,
    gears: deps.gears,
    log: deps.log.child({ stage: 'classifier' }),
    stream: CLASSIFY_STAGE.input(deps.keys),
    group: CLASSIFY_STAGE.group,
    deadStream: deps.keys.streamDead,
    schema: CLASSIFY_STAGE.schema,
    handle,
    // Its commit acknowledges per entry, so the next batch can be read while this one runs.
    readAhead: true,
    ...(deps.consumer ? { consumer: deps.consumer } : {}),
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.blockMs ? { blockMs: deps.blockMs } : {}),
    ...(deps.claimIdleMs !== undefined ? { claimIdleMs: deps.claimIdleMs } : {}),
    ...(deps.claimEveryMs !== undefined ? { claimEveryMs: deps.claimEveryMs } : {}),
    ...(deps.maxDeliveries !== undefined ? { maxDeliveries: deps.maxDeliveries } : {}),
  });
}
