import type { Redis } from 'ioredis';
import type { ReplyTemplates } from '../../../contract/events';
import type { IntentEntry } from '../../streams/entries';
import { dispatchEffects, publishLive, type DispatchDeps } from '../dispatch';
import { Effects, type EmailJob, type ReplyJob } from '../effects';
import type { EmailVerification } from '../email/verification';
import type { SignupContext } from '../signups/signup-engine';
import { applyComment } from './apply-comment';
import { applyMessage } from './apply-message';

export interface RecorderDeps extends DispatchDeps {
  verification: EmailVerification;
  templates: () => ReplyTemplates;
  /** The intents stream and the recorder's consumer group (for the acknowledgement). */
  stream: string;
  group: string;
  redis: Redis;
  /** Fault tests only: runs after the files are written and before anything else (a crash here must lose nothing). */
  afterWrite?: () => Promise<void>;
}

export interface RecordedBatch {
  entries: number;
  replies: number;
  /** Files written for this batch (each once). */
  files: string[];
  /** Where the time went: changing memory, writing files, then queueing, publishing and acknowledging. */
  timings: { applyMs: number; liveMs: number; writeMs: number; dispatchMs: number };
}

/**
 * Records a batch of classified comments and Messenger answers. The order of steps is what
 * makes it crash-safe:
 * 1. apply every entry to memory (idempotent by comment id / message id), publish live events;
 * 2. write each touched lowdb file once and wait until it is on disk;
 * 3. queue replies and emails (job id + sent marker: once each), tell the feed and metrics;
 * 4. acknowledge and delete the entries.
 * A crash before 4 redelivers the entries; they change nothing the second time and only queue
 * again the replies they caused, which the reply worker sends at most once.
 */
export async function recordBatch(deps: RecorderDeps, batch: ReadonlyArray<{ id: string; value: IntentEntry }>): Promise<RecordedBatch> {
  const t0 = performance.now();
  const effects = new Effects();
  const ctx: SignupContext = { state: deps.state, now: deps.now(), timeZone: deps.timeZone(), templates: deps.templates(), effects };
  const replies: ReplyJob[] = [];
  const emails: EmailJob[] = [];
  for (const { value } of batch) {
    if (value.item.kind === 'comment') {
      replies.push(...applyComment(ctx, { item: value.item, intent: value.intent, confidence: value.confidence }));
    } else {
      const r = await applyMessage(ctx, deps.verification, value.item);
      replies.push(...r.replies);
      emails.push(...r.emails);
    }
  }
  const t1 = performance.now();
  // The screen hears of the batch before the (large) roster file is written: a crash before the
  // write replays the same entries into the same records, so what was shown comes back.
  await publishLive(deps, effects);
  const tLive = performance.now();
  // The write and the dispatch (queueing replies, feed, metrics) run side by side; the batch is
  // acknowledged only when both are done. A crash in between replays the batch, and every
  // effect is idempotent on replay (reply job ids and sent markers, activity ids, upserts).
  let t2 = tLive;
  const written = deps.state.flush().then(async (names) => {
    t2 = performance.now();
    if (deps.afterWrite) await deps.afterWrite();
    return names;
  });
  const [files] = await Promise.all([written, dispatchEffects(deps, effects, replies, emails)]);
  if (batch.length > 0) {
    const ids = batch.map((b) => b.id);
    await deps.redis.multi().xack(deps.stream, deps.group, ...ids).xdel(deps.stream, ...ids).exec();
  }
  return { entries: batch.length, replies: replies.length, files, timings: { applyMs: t1 - t0, liveMs: tLive - t1, writeMs: t2 - tLive, dispatchMs: performance.now() - tLive } };
}
