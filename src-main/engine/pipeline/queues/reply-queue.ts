import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GraphApi } from '../../facebook/graph-types';
import type { Keys } from '../../keys';
import type { Logger } from '../../log';
import type { ReplyJob } from '../effects';
import { failGraphJob, isAlreadyPrivatelyReplied, type RateLimiter } from '../graph-failure';
import type { DbWriteJob } from './db-write-queue';
import { SENT_MARKER_TTL_SECONDS } from './job-ids';
import { sendToPerson, type UtilityTemplateSetting } from './send-to-person';

export interface ReplyDeps {
  graph: GraphApi;
  redis: Redis;
  keys: Keys;
  log: Logger;
  now: () => number;
  template: () => UtilityTemplateSetting;
  /** Persists what the reply taught us (a PSID) through the db-write queue. */
  record: (job: DbWriteJob) => Promise<void>;
  limiter: () => RateLimiter;
}

/**
 * Sends one reply, once. The marker `sent:<kind>:<key>` is checked first and set only after
 * Meta accepted the reply. A crash between Meta's answer and the marker resends a public reply
 * when the job is retried (the residual risk; see docs/pipeline.md); a private reply cannot be
 * doubled, because Meta refuses a second one for the same comment and that refusal is taken as
 * "already sent".
 */
export function replyProcessor(deps: ReplyDeps) {
  return async (job: Job<ReplyJob>): Promise<{ sent: boolean }> => {
    const r = job.data;
    const marker = deps.keys.sentMarker(r.kind, r.key);
    if (await deps.redis.exists(marker)) return { sent: false };
    let psid: string | null = null;
    try {
      if ('psid' in r.to) {
        if (!r.to.psid) return { sent: false };
        await sendToPerson({ graph: deps.graph, redis: deps.redis, keys: deps.keys, now: deps.now(), template: deps.template() }, r.to.psid, {
          text: r.text, ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}),
        }, r.to.fallbackCommentId);
      } else if (r.to.private) {
        const res = await deps.graph.privateReply(r.to.commentId, { text: r.text, ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}) });
        psid = res.recipientId;
      } else {
        await deps.graph.replyToComment(r.to.commentId, r.text);
      }
    } catch (err) {
      if (!isAlreadyPrivatelyReplied(err)) await failGraphJob(err, deps.limiter());
      deps.log.info('private reply was already sent for this comment', { commentId: 'commentId' in r.to ? r.to.commentId : null });
    }
    await deps.redis.set(marker, String(deps.now()), 'EX', SENT_MARKER_TTL_SECONDS);
    if (psid && r.volunteerId) await deps.record({ type: 'psid', volunteerId: r.volunteerId, psid, at: deps.now() });
    return { sent: true };
  };
}
