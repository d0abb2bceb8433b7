import type { Redis } from 'ioredis';
import type { ReplyTemplates } from '../../../contract/events';
import type { IntentEntry } from '../../streams/entries';
import { dispatchQueued, prepareLive, publishLive, type DispatchDeps } from '../dispatch';
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

/** A batch being recorded: its files are on disk and its live events out once `durable` resolves. */
export interface RecordingInFlight {
  /** The files are written and the live events published (the coordinator sees the batch). */
  durable: Promise<void>;
  /** Also the replies, emails, feed and metrics queued, and the entries acknowledged. */
  settled: Promise<RecordedBatch>;
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
 *
 * `previous` is the batch before this one, still settling: this batch's step 3 waits for its
 * step 3 (so the feed and the metrics hear batches in order), but steps 1, 2 and the live events
 * do not, so the coordinator sees batch N+1 while batch N's replies are still being queued.
 */
export function startRecording(deps: RecorderDeps, batch: ReadonlyArray<{ id: string; value: IntentEntry }>, previous: Promise<unknown> | null = null): RecordingInFlight {
  const t0 = performance.now();
  const timings = { applyMs: 0, writeMs: 0, liveMs: 0, dispatchMs: 0 };
  const applied = (async () => {
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
    // The event views as this batch left them (a coordinator's change may land during the write).
    prepareLive(deps, effects);
    timings.applyMs = performance.now() - t0;
    return { effects, replies, emails };
  })();
  const t1 = () => t0 + timings.applyMs;
  let files: string[] = [];
  const durable = applied.then(async ({ effects }) => {
    files = await flushUntilWritten(deps);
    timings.writeMs = performance.now() - t1();
    if (deps.afterWrite) await deps.afterWrite();
    await publishLive(deps, effects);
    timings.liveMs = performance.now() - t1() - timings.writeMs;
  });
  const queued = applied.then(async ({ effects, replies, emails }) => {
    // A failed previous batch is retried by the consumer; it must not hold this one back.
    if (previous) await previous.catch(() => undefined);
    await dispatchQueued(deps, effects, replies, emails);
    return replies.length;
  });
  const settled = Promise.all([durable, queued]).then(async ([, replies]) => {
    if (batch.length > 0) {
      const ids = batch.map((b) => b.id);
      await deps.redis.multi().xack(deps.stream, deps.group, ...ids).xdel(deps.stream, ...ids).exec();
    }
    timings.dispatchMs = performance.now() - t1();
    return { entries: batch.length, replies, files, timings };
  });
  // Whoever awaits only one of the two must not leave the other's failure unhandled.
  durable.catch(() => undefined);
  settled.catch(() => undefined);
  return { durable, settled };
}

/** Records a batch and waits until it is wholly settled (files, live events, queues, acknowledgement). */
export async function recordBatch(deps: RecorderDeps, batch: ReadonlyArray<{ id: string; value: IntentEntry }>): Promise<RecordedBatch> {
  const r = startRecording(deps, batch);
  await r.durable;
  return r.settled;
}
