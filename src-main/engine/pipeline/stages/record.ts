// Stage 4 of the pipeline (chain.ts): the recorder applies each classified item to the store of
// record (comments, people, signups in lowdb), then queues the replies and shows the coordinator
// what happened. One recorder runs, in the app that owns the files.
import type { EngineContext } from '../../module';
import type { Logger } from '../../log';
import type { Keys } from '../../keys';
import { createStreamConsumer, type StreamConsumer } from '../../streams/consumer';
import { intentEntry, type IntentEntry } from '../../streams/entries';
import { recordBatch, type RecorderDeps } from '../recorder/recorder';
import type { StageDeclaration } from './stage';

export const RECORDER_GROUP = 'recorder';

export const RECORD_STAGE = {
  name: 'record',
  input: (keys: Keys) => keys.streamIntents,
  group: RECORDER_GROUP,
  schema: intentEntry,
  commit: 'ack-and-delete',
  output: () => [],
} as const satisfies StageDeclaration;

export interface RecorderTuning {
  batchSize?: number;
  blockMs?: number;
  claimIdleMs?: number;
}

/** The recorder's consumer on the intents stream; `deps` without the stream and group, which the stage declares. */
export function createRecorderConsumer(ctx: EngineContext, log: Logger, deps: Omit<RecorderDeps, 'stream' | 'group'>, tuning: RecorderTuning = {}): StreamConsumer<IntentEntry> {
  const stream = RECORD_STAGE.input(ctx.keys);
  return createStreamConsumer<IntentEntry>({
    redis: ctx.redis, endpoint: ctx.redisEndpoint, gears: ctx.gears, log, stream, group: RECORD_STAGE.group,
    deadStream: ctx.keys.streamDead, schema: RECORD_STAGE.schema,
    handle: async (batch, self) => {
      const r = await recordBatch({ ...deps, stream, group: RECORD_STAGE.group, stopping: () => self.stopRequested }, batch);
      log.debug('recorded a batch', { entries: r.entries, files: r.files, ...r.timings });
    },
    batchSize: tuning.batchSize ?? 1000,
    ...(tuning.blockMs !== undefined ? { blockMs: tuning.blockMs } : {}),
    // One recorder runs (the app that owns the files) and it handles one batch at a time, so
    // any entry still pending when it looks belongs to a recorder that died: take it over at
    // once, before reading new entries, so a crash never reorders a person's comments.
    claimIdleMs: tuning.claimIdleMs ?? 0,
  });
}
