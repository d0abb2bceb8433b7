import type { Redis } from 'ioredis';
import { createKeys, QUEUE_NAMES } from '../../../src-main/engine/keys';
import type { ReplyJob } from '../../../src-main/engine/pipeline/effects';
import type { SimCall } from '../../../src-main/simulator/graph-simulator';
import { sleep } from './processes';

const keys = createKeys();

/** A reply Meta already accepted whose job had not marked it sent: its retry sends it again. */
export interface WindowReply {
  /** Which count the resend adds to: a public reply, a private-reply attempt, a Messenger message. */
  count: 'public' | 'private' | 'message';
  /** The comment id (public, private) or the PSID (message). */
  target: string;
  job: string;
}

const accepted = (c: SimCall): boolean => c.fault === null && c.status !== null && c.status < 300;
const messageText = (c: SimCall): string | undefined => {
  const m = c.body?.message as { text?: string } | string | undefined;
  return typeof m === 'string' ? m : m?.text;
};

/** Where Meta took this reply, if it already did (the simulator's log). */
function acceptedAs(job: ReplyJob, calls: readonly SimCall[]): Omit<WindowReply, 'job'> | null {
  const to = job.to;
  for (const c of calls) {
    if (c.method !== 'POST' || !accepted(c)) continue;
    const recipient = (c.body?.recipient ?? {}) as { comment_id?: string; id?: string };
    if ('commentId' in to) {
      if (to.private && c.path.endsWith('/messages') && recipient.comment_id === to.commentId) return { count: 'private', target: to.commentId };
      if (!to.private && c.path === `${to.commentId}/comments` && c.body?.message === job.text) return { count: 'public', target: to.commentId };
    } else {
      if (c.path.endsWith('/messages') && recipient.id === to.psid && messageText(c) === job.text) return { count: 'message', target: to.psid };
      if (to.fallbackCommentId && c.path === `${to.fallbackCommentId}/comments` && c.body?.message === job.text) return { count: 'public', target: to.fallbackCommentId };
    }
  }
  return null;
}

/**
 * The replies caught in the window the pipeline documents as its residual risk: Meta accepted
 * the reply, and the process died before setting the reply's sent marker, so the retried job
 * sends it once more. Call `atFreeze` while the process to be killed is frozen, and `afterKill`
 * once it is dead: a job of a live process that was in the window then has set its marker by
 * now, so only the dead process's remain.
 */
export async function repliesInTheWindow(redis: Redis, calls: () => readonly SimCall[]): Promise<{ afterKill: () => Promise<WindowReply[]> }> {
  const queue = `${keys.bullPrefix}:${QUEUE_NAMES.reply}`;
  const ids = await redis.lrange(`${queue}:active`, 0, -1);
  const candidates: Array<WindowReply & { marker: string }> = [];
  const log = calls();
  for (const id of ids) {
    const data = await redis.hget(`${queue}:${id}`, 'data');
    if (!data) continue;
    const job = JSON.parse(data) as ReplyJob;
    const where = acceptedAs(job, log);
    const marker = keys.sentMarker(job.kind, job.key);
    if (where && !(await redis.exists(marker))) candidates.push({ ...where, job: id, marker });
  }
  return {
    async afterKill() {
      await sleep(500);
      const out: WindowReply[] = [];
      for (const c of candidates) if (!(await redis.exists(c.marker))) out.push({ count: c.count, target: c.target, job: c.job });
      return out;
    },
  };
}
