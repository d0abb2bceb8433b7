import type { BroadcastChannel } from '../../../contract/broadcasts';
import type { ReplyChannel } from '../../../contract/events';
import type { LiveBus } from '../../live';
import type { PipelineState } from '../state/pipeline-state';
import { broadcastView, commentView } from '../state/views';
import { jobIdOf } from './job-ids';

/**
 * Outcomes learned by workers that may run on other machines (they have no lowdb files), applied
 * by the app that owns the files. Each is idempotent: applying one twice changes nothing more.
 */
export type DbWriteJob =
  | { type: 'psid'; volunteerId: string; psid: string; at: number }
  | { type: 'delivery'; broadcastId: string; volunteerId: string; status: 'sent' | 'failed'; channel: BroadcastChannel | null; error: string | null; at: number }
  | { type: 'replyProblem'; commentId: string; kind: string; key: string; channel: ReplyChannel; reason: string; at: number }
  | { type: 'replySent'; commentId: string; kind: string; key: string; at: number };

/** How a sent reply is named on its comment. */
export function sentMark(r: { kind: string; key: string }): string {
  return `${r.kind}|${r.key}`;
}

/** Job id: one per outcome, so a worker retrying its report does not queue it twice. */
export function dbWriteJobId(j: DbWriteJob): string {
  if (j.type === 'psid') return jobIdOf('psid', j.volunteerId, j.psid);
  if (j.type === 'replyProblem') return jobIdOf('reply-problem', j.kind, j.key);
  if (j.type === 'replySent') return jobIdOf('reply-sent', j.kind, j.key);
  return jobIdOf('delivery', j.broadcastId, j.volunteerId);
}

/**
 * Applies outcomes in memory and waits for the file write. Writes are coalesced (the store
 * writes each file once for all changes made while a write runs), so a burst of outcomes from a
 * broadcast costs a few file writes, not one each; a job completes only once it is on disk.
 */
export function dbWriteProcessor(deps: { state: PipelineState; live: LiveBus }) {
  return async (job: { data: DbWriteJob }): Promise<void> => {
    const j = job.data;
    const { state } = deps;
    if (j.type === 'psid') {
      const v = state.volunteers[j.volunteerId];
      if (v && v.psid !== j.psid) {
        v.psid = j.psid;
        state.reindexVolunteer(v);
      }
      await state.flush();
      return;
    }
    if (j.type === 'replySent') {
      const c = state.comments[j.commentId];
      const mark = sentMark(j);
      if (!c || c.sent?.includes(mark)) return;
      (c.sent ??= []).push(mark);
      state.touchRecord('comments', c.id);
      await state.flush();
      return;
    }
    if (j.type === 'replyProblem') {
      const c = state.comments[j.commentId];
      if (!c) return;
      const problems = (c.replyProblems ??= []);
      if (problems.some((p) => p.kind === j.kind && p.key === j.key)) return;
      problems.push({ kind: j.kind, key: j.key, channel: j.channel, reason: j.reason, at: j.at });
      state.touchRecord('comments', c.id);
      await state.flush();
      await deps.live.publish('comment.updated', { comment: commentView(c) });
      return;
    }
    const b = state.broadcasts[j.broadcastId];
    const d = b?.deliveries[j.volunteerId];
    if (!b || !d || d.status === j.status) return;
    // "sent" is final: a late failure report for a delivered message is ignored.
    if (d.status === 'sent') return;
    d.status = j.status;
    d.error = j.error;
    if (j.channel) d.channel = j.channel;
    d.sentAt = j.status === 'sent' ? j.at : null;
    const view = broadcastView(state, b);
    if (view.counts.pending === 0 && b.finishedAt === null) b.finishedAt = j.at;
    state.touch('broadcasts');
    await state.flush();
    const after = broadcastView(state, b);
    await deps.live.publish('broadcast.progress', { broadcastId: b.id, eventId: b.eventId, status: after.status, counts: after.counts });
  };
}
