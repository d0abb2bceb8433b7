import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { GraphError, type GraphApi } from '../../facebook/graph-types';
import { COMMENT_REPLY_MAX, cutText, fitForMessenger } from '../../facebook/text-limits';
import type { ReplyChannel } from '../../../contract/events';
import type { Keys } from '../../keys';
import type { Logger } from '../../log';
import type { ReplyJob } from '../effects';
import { failGraphJob, isAlreadyPrivatelyReplied, isLastAttempt, type RateLimiter } from '../graph-failure';
import type { DbWriteJob } from './db-write-queue';
import { SENT_MARKER_TTL_SECONDS } from './job-ids';
import { sendOnce } from './send-once';
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

/** Meta accepts a comment's private reply only within 7 days of the comment. */
export const PRIVATE_REPLY_WINDOW_MS = 7 * 24 * 3600_000;

function channelOf(r: ReplyJob): ReplyChannel {
  if ('psid' in r.to) return 'messenger';
  return r.to.private ? 'private' : 'public';
}

/** The comment a reply answers: its target, the signup comment of a Messenger note, else its key (usually the comment id). */
function aboutComment(r: ReplyJob): string {
  if ('commentId' in r.to) return r.to.commentId;
  return r.to.fallbackCommentId ?? r.key;
}

/**
 * Sends one reply, once (see sendOnce). The marker `sent:<kind>:<key>` is checked first and set
 * only after Meta accepted the reply. A crash between Meta's answer and the marker resends a
 * public reply when the job is retried (the residual risk; see docs/pipeline.md); a private reply cannot be
 * doubled, because Meta refuses a second one for the same comment and that refusal is taken as
 * "already sent".
 */
export function replyProcessor(deps: ReplyDeps) {
  /** Tells the app (which owns the comments) that this reply will never go out, and why. */
  const problem = (r: ReplyJob, reason: string): Promise<void> =>
    deps.record({ type: 'replyProblem', commentId: aboutComment(r), kind: r.kind, key: r.key, channel: channelOf(r), reason, at: deps.now() });
  return (job: Job<ReplyJob>): Promise<{ sent: boolean }> => {
    const marker = deps.keys.sentMarker(job.data.kind, job.data.key);
    return sendOnce(deps.redis, marker, { sent: false }, () => send(job, marker));
  };

  async function send(job: Job<ReplyJob>, marker: string): Promise<{ sent: boolean }> {
    const r = job.data;
    let psid: string | null = null;
    if ('commentId' in r.to && r.to.private && r.to.commentCreatedAt !== undefined && deps.now() - r.to.commentCreatedAt > PRIVATE_REPLY_WINDOW_MS) {
      // Meta would refuse it: say so on the comment instead of spending a Graph call (and a failed job).
      const days = Math.floor((deps.now() - r.to.commentCreatedAt) / 86_400_000);
      await problem(r, `Not sent: Facebook allows a private reply only within 7 days of the comment, and this one is ${days} days old. Reply under the comment, or write to them in Messenger if they message the Page.`);
      await deps.redis.set(marker, String(deps.now()), 'EX', SENT_MARKER_TTL_SECONDS);
      return { sent: false };
    }
    try {
      if ('psid' in r.to) {
        if (!r.to.psid) return { sent: false };
        await sendToPerson({ graph: deps.graph, redis: deps.redis, keys: deps.keys, now: deps.now(), template: deps.template() }, r.to.psid, {
          text: r.text, ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}),
        }, r.to.fallbackCommentId);
      } else if (r.to.private) {
        // A private reply arrives in Messenger, so Messenger's limit applies.
        const res = await deps.graph.privateReply(r.to.commentId, fitForMessenger({ text: r.text, ...(r.quickReplies ? { quickReplies: r.quickReplies } : {}) }));
        psid = res.recipientId;
      } else {
        await deps.graph.replyToComment(r.to.commentId, cutText(r.text, COMMENT_REPLY_MAX));
      }
    } catch (err) {
      if (!isAlreadyPrivatelyReplied(err)) {
        // Recorded only when final: a transient failure with tries left is not a problem yet.
        if (isLastAttempt(job, err)) await problem(r, err instanceof GraphError ? err.userMessage : `Could not send the reply: ${err instanceof Error ? err.message : String(err)}`);
        await failGraphJob(err, deps.limiter());
      }
      deps.log.info('private reply was already sent for this comment', { commentId: 'commentId' in r.to ? r.to.commentId : null });
    }
    await deps.redis.set(marker, String(deps.now()), 'EX', SENT_MARKER_TTL_SECONDS);
    // The marker expires; the comment record is kept (see ReplyJob.origin).
    if (r.origin) await deps.record({ type: 'replySent', commentId: r.origin, kind: r.kind, key: r.key, at: deps.now() });
    if (psid && r.volunteerId) await deps.record({ type: 'psid', volunteerId: r.volunteerId, psid, at: deps.now() });
    return { sent: true };
  }
}
