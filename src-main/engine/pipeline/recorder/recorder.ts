import type { Redis } from 'ioredis';
import type { ReplyTemplates } from '../../../contract/events';
import type { IntentEntry } from '../../streams/entries';
import { dispatchEffects, type DispatchDeps } from '../dispatch';
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
}

export interface RecordedBatch {
  entries: number;
  replies: number;
  /** Files written for this batch (each once). */
  files: string[];
}

/**
 * Records a batch of classified comments and Messenger answers. The order of steps is what
 * makes it crash-safe:
 * 1. apply every entry to memory (idempotent by comment id / message id);
 * 2. write each touched lowdb file once and wait until it is on disk;
 * 3. queue replies and emails (job id + sent marker: once each), publish live events;
 * 4. acknowledge and delete the entries.
 * A crash before 4 redelivers the entries; they change nothing the second time and only queue
 * again the replies they caused, which the reply worker sends at most once.
 */
export async function recordBatch(deps: RecorderDeps, batch: ReadonlyArray<{ id: string; value: IntentEntry }>): Promise<RecordedBatch> {
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
  const files = await deps.state.flush();
  await dispatchEffects(deps, effects, replies, emails);
  if (batch.length > 0) {
    const ids = batch.map((b) => b.id);
    await deps.redis.multi().xack(deps.stream, deps.group, ...ids).xdel(deps.stream, ...ids).exec();
  }
  return { entries: batch.length, replies: replies.length, files };
}
