import type { Redis } from 'ioredis';
import type { IntentEntry } from '../../streams/entries';
import { dispatchQueued, prepareLive, publishLive, type DispatchDeps } from '../dispatch';
import { Effects, type EmailJob, type ReplyJob } from '../effects';
import type { EmailVerification } from '../email/verification';
import type { SignupContext } from '../signups/signup-engine';
import { applyComment } from './apply-comment';
import { applyMessage } from './apply-message';

export interface RecorderDeps extends DispatchDeps {
  verification: EmailVerification;
  /** A context for one batch (the core's: texts, threshold, time). */
  context: (effects: Effects) => SignupContext;
  /** The intents stream and the recorder's consumer group (for the acknowledgement). */
  stream: string;
  group: string;
  redis: Redis;
  /** Fault tests only: runs after the files are written and before the live events and the acknowledgement (a crash here must lose nothing). */
  afterWrite?: () => Promise<void>;
  /** True once the app is stopping: a write that keeps failing is then left to the next start. */
  stopping?: () => boolean;
  /** Pause before writing again after a failed write (doubling up to 5 s). Default 250 ms. */
  rewriteDelayMs?: number;
}

export interface RecordedBatch {
  entries: number;
  replies: number;
  /** Files written for this batch (each once). */
  files: string[];
  /** Where the time went: changing memory, waiting for the files on disk, publishing, then the whole of queueing and acknowledging. */
  timings: { applyMs: number; writeMs: number; liveMs: number; dispatchMs: number };
}

/**
 * Waits until the batch's files are on disk. A write that fails (disk full, folder not
 * writable) is not the entries' fault, so the batch is not failed: failing it would retry it a
 * few times and then move it to the dead-letter stream, losing comments Meta was told we have.
 * The changes stay in memory and are written again after a pause, for as long as it takes;
 * only a stopping app gives up (the entries stay pending for the next start).
 */
async function flushUntilWritten(deps: RecorderDeps): Promise<string[]> {
  const pause = deps.rewriteDelayMs ?? 250;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await deps.state.flush();
    } catch (err) {
      if (deps.stopping?.()) throw err;
      deps.log.warn('could not write the data files; writing them again shortly', { attempt: attempt + 1, err });
      await new Promise((r) => setTimeout(r, Math.min(pause * 2 ** attempt, 5000)));
    }
  }
}

/**
 * Records a batch of classified comments and Messenger answers. The order of steps is what
 * makes it crash-safe and keeps the screen honest:
 * 1. apply every entry to memory (idempotent by comment id / message id);
 * 2. write each touched lowdb file once and wait until it is on disk; only then publish the
 *    live events, so the screen never shows what a crash could take back;
 * 3. queue replies and emails (job id + sent marker: once each), tell the feed and metrics,
 *    side by side with 2 (each is idempotent on replay);
 * 4. acknowledge and delete the entries.
 * A crash before 4 redelivers the entries; they change nothing the second time and only queue
 * again the replies they caused, which the reply worker sends at most once.
 */
export async function recordBatch(deps: RecorderDeps, batch: ReadonlyArray<{ id: string; value: IntentEntry }>): Promise<RecordedBatch> {
  const t0 = performance.now();
  const effects = new Effects();
  const ctx = deps.context(effects);
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
  // The event views as this batch left them (a coordinator's change may land during the write).
  prepareLive(deps, effects);
  const t1 = performance.now();
  let t2 = t1;
  let tLive = t1;
  const durableThenLive = flushUntilWritten(deps).then(async (names) => {
    t2 = performance.now();
    if (deps.afterWrite) await deps.afterWrite();
    await publishLive(deps, effects);
    tLive = performance.now();
    return names;
  });
  const [files] = await Promise.all([durableThenLive, dispatchQueued(deps, effects, replies, emails)]);
  if (batch.length > 0) {
    const ids = batch.map((b) => b.id);
    await deps.redis.multi().xack(deps.stream, deps.group, ...ids).xdel(deps.stream, ...ids).exec();
  }
  return {
    entries: batch.length,
    replies: replies.length,
    files,
    timings: { applyMs: t1 - t0, writeMs: t2 - t1, liveMs: tLive - t2, dispatchMs: performance.now() - t1 },
  };
}
