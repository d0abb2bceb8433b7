import type { ReplyJob } from '../effects';
import { emitWaitlist, promote, type SignupContext } from '../signups/signup-engine';
import type { PipelineState } from '../state/pipeline-state';
import type { VolunteerRecord } from '../state/records';
import { broadcastView } from '../state/views';

/** Everything that identifies one person across the stores, gathered before anything is removed. */
export interface PersonKeys {
  /** The roster id and the ids of duplicates merged into it (activities may carry either). */
  volunteerIds: string[];
  /** Their Facebook id and merged duplicates' ids: comments are found by these. */
  facebookIds: string[];
  psids: string[];
  emails: string[];
  /** Their comments' ids (corrections for the model are keyed by these). */
  commentIds: string[];
}

export interface ErasedRecords {
  volunteers: number;
  signups: number;
  comments: number;
  questions: number;
  deliveries: number;
  /** Other people moved off a waitlist into the places this person held. */
  promoted: number;
}

/** Collects a person's identifiers from the roster and their comments. */
export function personKeys(state: PipelineState, v: VolunteerRecord): PersonKeys {
  const facebookIds = [...new Set([v.facebookId, ...(v.aliasFacebookIds ?? [])].filter((x): x is string => Boolean(x)))];
  const byAuthor = new Set(facebookIds);
  const commentIds: string[] = [];
  if (byAuthor.size > 0) for (const c of Object.values(state.comments)) if (c.authorId && byAuthor.has(c.authorId)) commentIds.push(c.id);
  return {
    volunteerIds: [...new Set([v.id, ...v.mergedIds])],
    facebookIds,
    psids: v.psid ? [v.psid] : [],
    emails: v.email ? [v.email.toLowerCase()] : [],
    commentIds,
  };
}

/**
 * Removes a person from the pipeline's records in memory: their signups (a place they held goes
 * to the first people waiting who fit, told exactly as after a cancellation), their comments,
 * their questions, their rows in broadcasts, and the roster record itself. Unlike a cancellation
 * it sends them nothing and records no activity of theirs: they asked to be forgotten.
 * The caller writes the files (PipelineCore.change).
 */
export function eraseVolunteer(ctx: SignupContext, v: VolunteerRecord, keys: PersonKeys, replies: ReplyJob[]): ErasedRecords {
  const { state } = ctx;
  const out: ErasedRecords = { volunteers: 0, signups: 0, comments: 0, questions: 0, deliveries: 0, promoted: 0 };
  const ids = new Set(keys.volunteerIds);

  const freed = new Map<string, { eventId: string; slotId: string; held: boolean }>();
  for (const vid of ids) {
    for (const s of state.signupsOfVolunteer(vid)) {
      const slotKey = `${s.eventId}\u0000${s.slotId}`;
      const held = s.status === 'signed_up' || (freed.get(slotKey)?.held ?? false);
      if (s.status !== 'cancelled') freed.set(slotKey, { eventId: s.eventId, slotId: s.slotId, held });
      state.deleteSignup(s.id);
      out.signups += 1;
    }
  }
  for (const f of freed.values()) {
    ctx.effects.eventsChanged.add(f.eventId);
    const promoted = f.held ? promote(ctx, f.eventId, f.slotId, replies) : [];
    out.promoted += promoted.length;
    // promote() announces the waitlist only when it moved someone; the list changed either way.
    if (promoted.length === 0) emitWaitlist(ctx, f.eventId, f.slotId);
  }

  const comments = new Set(keys.commentIds);
  for (const id of comments) {
    const c = state.comments[id];
    if (c?.eventId) ctx.effects.eventsChanged.add(c.eventId);
    state.deleteComment(id);
    out.comments += 1;
  }

  for (const item of Object.values(state.inbox)) {
    if ((item.volunteerId !== null && ids.has(item.volunteerId)) || comments.has(item.commentId)) {
      state.deleteInboxItem(item.id);
      ctx.effects.eventsChanged.add(item.eventId);
      out.questions += 1;
    }
  }

  for (const b of Object.values(state.broadcasts)) {
    let changed = false;
    for (const vid of ids) {
      if (!b.deliveries[vid]) continue;
      delete b.deliveries[vid];
      out.deliveries += 1;
      changed = true;
    }
    if (!changed) continue;
    // Their pending copy was the last one: the broadcast is done.
    if (b.finishedAt === null && broadcastView(state, b).counts.pending === 0) b.finishedAt = ctx.now;
    state.touch('broadcasts');
  }

  for (const vid of ids) {
    if (!state.volunteers[vid]) continue;
    state.deleteVolunteer(vid);
    out.volunteers += 1;
  }
  // Nothing of theirs goes to the feed from this change (promote() only records the promoted).
  const kept = ctx.effects.activities.filter((a) => !ids.has(a.actorId));
  ctx.effects.activities.splice(0, ctx.effects.activities.length, ...kept);
  ctx.effects.emit('volunteer.deleted', { volunteerId: v.id });
  return out;
}
