// Stage 2 of the pipeline (chain.ts): each new or edited comment becomes its features; every
// other item (removals, hides, Messenger messages, button presses) passes straight on.
import type { Redis } from 'ioredis';
import type { Gears } from '../../gears/loader';
import type { Keys } from '../../keys';
import type { Logger } from '../../log';
import type { RedisEndpoint } from '../../redis/endpoint';
import { StreamConsumer, type StreamEntry } from '../../streams/consumer';
import { ingestItem, type CommentEntry, type IngestItem, type IntentEntry } from '../../streams/entries';
import type { FeatureConfig } from '../../model/features';
import { featurize } from '../../model/features';
import { packFeatures } from '../../model/packed-features';
import type { StageDeclaration } from './stage';

export const PREPROCESS_GROUP = 'preprocess';

export const PREPROCESS_STAGE = {
  name: 'preprocess',
  input: (keys: Keys) => keys.streamIngest,
  group: PREPROCESS_GROUP,
  schema: ingestItem,
  commit: 'vt_preprocess',
  output: (keys: Keys) => [keys.streamComments, keys.streamIntents],
} as const satisfies StageDeclaration;
/** Backstop cap of the intents stream (its consumer deletes what it recorded; see docs/model.md). */
export const INTENTS_MAXLEN = 200_000;

export interface PreprocessDeps {
  redis: Redis;
  endpoint: RedisEndpoint;
  gears: Gears;
  keys: Keys;
  log: Logger;
  /** The feature config of the model in use (from the model store), read once per batch. */
  features: () => Promise<FeatureConfig>;
  batchSize?: number;
  blockMs?: number;
  claimIdleMs?: number;
  claimEveryMs?: number;
}

/** What one ingest item becomes: a comment to classify, or an item that needs no model. */
export function preprocessItem(item: IngestItem, features: FeatureConfig): { target: 'c'; entry: CommentEntry } | { target: 'i'; entry: IntentEntry } {
  if (item.kind === 'comment' && (item.verb === 'add' || item.verb === 'edited')) {
    const pairs = featurize(item.message, features);
    return { target: 'c', entry: { item, features: packFeatures(pairs) ?? pairs, featureVersion: features.version } };
  }
  return { target: 'i', entry: { item, intent: null, confidence: null, scores: null, modelVersion: null } };
}

/**
 * The preprocess stage: reads the ingest stream in batches, turns each new or edited comment
 * into its features (CommentEntry → comments stream) and passes everything else (removals,
 * hides, Messenger messages, button presses) straight to the intents stream. The whole batch
 * is committed with one `vt_preprocess` call that writes the outputs and acknowledges and
 * deletes the inputs atomically.
 */
export function createPreprocessConsumer(deps: PreprocessDeps): StreamConsumer<IngestItem> {
  const commit = async (batch: StreamEntry<IngestItem>[], self: StreamConsumer<IngestItem>): Promise<void> => {
    const features = await deps.features();
    const args: (string | number)[] = [self.group, INTENTS_MAXLEN];
    for (const e of batch) {
      const out = preprocessItem(e.value, features);
      args.push(e.id, out.target, JSON.stringify(out.entry));
    }
    await deps.gears.call(PREPROCESS_STAGE.commit, [deps.keys.streamIngest, deps.keys.streamComments, deps.keys.streamIntents], args);
  };
  return new StreamConsumer<IngestItem>({
    redis: deps.redis,
    endpoint: deps.endpoint,
    gears: deps.gears,
    log: deps.log.child({ stage: 'preprocess' }),
    stream: PREPROCESS_STAGE.input(deps.keys),
    group: PREPROCESS_STAGE.group,
    deadStream: deps.keys.streamDead,
    schema: PREPROCESS_STAGE.schema,
    handle: commit,
    // Its commit acknowledges per entry, so the next batch can be read while this one runs.
    readAhead: true,
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.blockMs ? { blockMs: deps.blockMs } : {}),
    ...(deps.claimIdleMs !== undefined ? { claimIdleMs: deps.claimIdleMs } : {}),
    ...(deps.claimEveryMs !== undefined ? { claimEveryMs: deps.claimEveryMs } : {}),
  });
}
