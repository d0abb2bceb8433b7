import type { IntentName, ReplyLanguage } from '../../../contract/events';
import type { CommentItem } from '../../streams/entries';
import type { ReplyJob } from '../effects';
import { suggestAnswer } from '../inbox/suggest';
import { sentMark } from '../queues/db-write-queue';
import { needsReview } from '../../model/review-threshold';
import { detectLanguage } from '../replies/language';
import { firstNameOf } from '../replies/templates';
import { matchSlot, partySize } from '../signups/slot-match';
import {
  activeSignupOf, cancelSignup, confirmChoices, defaultSlotFor, moveSignup, openSlotsText, render, signUp, slotOf, slotsWithRoom, varsFor, type SignupContext,
} from '../signups/signup-engine';
import type { CommentRecord, EventRecord, SignupRecord, VolunteerRecord } from '../state/records';
import { commentView, inboxView, takenIn, waitlistOf } from '../state/views';

export interface ClassifiedComment {
  item: CommentItem;
  intent: IntentName | null;
  confidence: number | null;
}

/** A new roster record for a Facebook commenter (id from their Facebook id, so replays and rebuilds find it). */
export function facebookVolunteer(from: { id: string; name: string | null }, seenAt: number): VolunteerRecord {
  return {
    id: `fb_${from.id}`, name: from.name || 'Facebook user', facebookId: from.id, psid: null, email: null, tags: [], notes: '',
    firstSeen: seenAt, lastSeen: seenAt, lastMessageAt: null, source: 'facebook', mergedIds: [],
  };
}

/** The roster entry for a commenter, created the first time they appear (id from their Facebook id, so replays find it). */
export function volunteerFor(ctx: SignupContext, from: { id: string; name: string }, seenAt: number): VolunteerRecord {
  const known = ctx.state.volunteerByFacebookId.get(from.id);
  const v = known ? ctx.state.volunteers[known] : undefined;
  if (v) {
    let changed = false;
    if (seenAt > v.lastSeen) {
      v.lastSeen = seenAt;
      changed = true;
    }
    if (seenAt < v.firstSeen) {
      v.firstSeen = seenAt;
      changed = true;
    }
    if (from.name && v.name !== from.name && v.source === 'facebook') {
      v.name = from.name;
      ctx.state.reindexVolunteer(v);
    }
    if (changed) ctx.state.touchRecord('volunteers', v.id);
    return v;
  }
  const created = facebookVolunteer(from, seenAt);
  ctx.state.putVolunteer(created);
  return created;
}

/**
 * Puts replies in a comment's outbox, marked as its own (`origin`), so the worker records each
 * on this comment once Meta accepted it. Returns them as stored, ready to queue.
 */
export function addToOutbox(comment: CommentRecord, replies: readonly ReplyJob[]): ReplyJob[] {
  const stamped = replies.map((r) => ({ ...r, origin: comment.id }));
  comment.outbox.push(...stamped);
  return stamped;
}

/**
 * The outbox replies not yet recorded as sent: what a replay queues again. The Redis sent marker
 * (30 days) also stops a resend, but the record on the comment is kept as long as the comment.
 */
export function unsent(comment: CommentRecord): ReplyJob[] {
  const sent = comment.sent;
  if (!sent || sent.length === 0) return comment.outbox;
  return comment.outbox.filter((r) => !sent.includes(sentMark(r)));
}

/** Whether this delivery changes nothing we have recorded (a duplicate, or older than what we have). */
function isStale(existing: CommentRecord, item: CommentItem): boolean {
  if (existing.state === 'removed') return true;
  // Older than the change we applied last for the same aspect (text, or visibility): Meta
  // redelivers and reorders, and its own time of the change (entry `time`) says which is newer.
  // A removal is final whenever it was made. An add never acted on still brings the text.
  const at = item.changeTime ?? null;
  if (at !== null && item.verb !== 'remove' && !(item.verb === 'add' && existing.action === null)) {
    const last = item.verb === 'hide' || item.verb === 'unhide' ? existing.visibilityAt : existing.textAt;
    if (last !== undefined && last !== null && at < last) return true;
  }
  // Meta does not promise order: a hide (or unhide) can arrive before its add and leave a record
  // that was never acted on (action null). The add still carries the comment's text and intent.
  if (item.verb === 'add') return existing.action !== null;
  if (item.verb === 'edited') return existing.message === item.message && existing.state !== 'hidden';
  if (item.verb === 'hide') return existing.state === 'hidden';
  if (item.verb === 'unhide') return existing.state !== 'hidden';
  return false;
}

/**
 * Records one classified comment and acts on it. Idempotent by comment id: a delivery that
 * changes nothing only re-enqueues the replies this comment caused (they are sent once each).
 * Returns the replies to enqueue.
 */
export function applyComment(ctx: SignupContext, c: ClassifiedComment): ReplyJob[] {
  const { item } = c;
  const existing = ctx.state.comments[item.commentId];
  if (existing && isStale(existing, item)) return unsent(existing);

  const eventId = ctx.state.eventByPostId.get(item.postId) ?? null;
  const seenAt = item.createdTime || ctx.now;
  const comment: CommentRecord = existing ?? {
    id: item.commentId, postId: item.postId, eventId, authorId: item.from?.id ?? null, authorName: item.from?.name ?? null,
    message: item.message, intent: c.intent, confidence: c.confidence, correctedIntent: null, state: 'active', action: null,
    signupId: null, privateReplied: false, outbox: [], createdAt: seenAt, updatedAt: ctx.now,
  };
  comment.updatedAt = ctx.now;
  const at = item.changeTime ?? null;
  if (item.verb === 'hide' || item.verb === 'unhide') {
    comment.state = item.verb === 'hide' ? 'hidden' : 'active';
    // Hidden by the Page: the feed stops quoting it, as for a removed comment (the feed's delete
    // is final, so unhiding does not bring the activity back).
    if (item.verb === 'hide') ctx.effects.activitiesGone.push(`commented:${comment.id}`);
    if (at !== null) comment.visibilityAt = Math.max(at, comment.visibilityAt ?? at);
    ctx.state.putComment(comment);
    return unsent(comment);
  }
  if (item.verb === 'remove') comment.state = 'removed';
  else {
    // An add that follows its own hide keeps the comment hidden, and so does an edit (hiding is
    // the Page's choice and outlasts the author's edits); anything else after the add is an edit.
    if (existing && item.verb !== 'add' && comment.state !== 'hidden') comment.state = 'edited';
    // An add that arrives after a newer edit (possible only for a record never acted on) must
    // not take the newer text back.
    const newer = at !== null && comment.textAt !== undefined && comment.textAt !== null && at < comment.textAt;
    if (!newer) {
      comment.message = item.message;
      comment.intent = c.intent;
      comment.confidence = c.confidence;
      comment.correctedIntent = null;
      if (at !== null) comment.textAt = at;
    }
  }
  ctx.state.putComment(comment);

  const own = item.from !== null && item.from.id === item.pageId;
  const event = eventId ? ctx.state.events[eventId] : undefined;
  if (!event) {
    // Kept (the coordinator can still see it), but a comment on a post that is not an event
    // creates no one: the roster holds people who answered an event.
    comment.action = 'not_our_post';
    return unsent(comment);
  }
  const volunteer = item.from && !own ? volunteerFor(ctx, item.from, seenAt) : null;
  if (own) {
    comment.action = 'ignored';
    return unsent(comment);
  }
  if (!volunteer) {
    comment.action = 'no_author';
    ctx.effects.emit('comment.received', { comment: commentView(comment) });
    return unsent(comment);
  }
  if (!existing && item.verb !== 'remove') {
    // Once per comment (its id makes a replay harmless); edits and removals are not new comments.
    ctx.effects.activities.push({
      id: `commented:${comment.id}`, verb: 'commented', actorId: volunteer.id, actorName: volunteer.name, eventId: event.id, eventTitle: event.title, slotTitle: null, at: ctx.now,
    });
  }
  if (item.verb !== 'remove' && holdForReview(ctx, c)) {
    // Not acted on: no signup, no reply, and a signup an earlier text made stays as it is until
    // the coordinator picks the intent (comments.correct), which then acts at once.
    comment.action = 'needs_review';
    ctx.state.syncReview(comment);
    ctx.effects.eventsChanged.add(event.id);
  } else {
    decide(ctx, comment, event, volunteer, item.verb === 'remove' ? null : c.intent);
  }
  ctx.effects.emit('comment.received', { comment: commentView(comment) });
  return unsent(comment);
}

/** Whether the model was less sure of this comment than the coordinator's review threshold. */
function holdForReview(ctx: SignupContext, c: ClassifiedComment): boolean {
  return c.intent !== null && c.confidence !== null && needsReview(c.confidence, ctx.reviewThreshold);
}

/**
 * The language replies to this comment are written in: detected once from its text (kept on the
 * comment so a replay or an edit answers in the same one), else the person's last, else null
 * (the Page's default). Remembered on the person for later Messenger texts.
 */
function replyLanguageOf(ctx: SignupContext, comment: CommentRecord, volunteer: VolunteerRecord): ReplyLanguage | null {
  if (comment.language === undefined) comment.language = detectLanguage(comment.message);
  const lang = comment.language ?? volunteer.language ?? null;
  if (lang && volunteer.language !== lang) {
    volunteer.language = lang;
    ctx.state.touchRecord('volunteers', volunteer.id);
  }
  return lang;
}

/**
 * Acts on a comment's (new) meaning: `intent` null means the comment is gone. Also used when
 * the coordinator corrects an intent. New replies are added to the comment's outbox.
 */
export function decide(ctx: SignupContext, comment: CommentRecord, event: EventRecord, volunteer: VolunteerRecord, intent: IntentName | null): void {
  const replies: ReplyJob[] = [];
  const lang = intent === 'signup' || intent === 'cancel' ? replyLanguageOf(ctx, comment, volunteer) : null;
  const own = comment.signupId ? ctx.state.signups[comment.signupId] : undefined;
  const ownActive = own && own.status !== 'cancelled' ? own : undefined;
  const named = matchSlot(comment.message, event.slots, ctx.timeZone);

  if (intent === null) {
    if (ownActive) {
      cancelSignup(ctx, ownActive, 'deleted', replies);
      comment.action = 'withdrawn';
    } else if (comment.action === 'needs_review') {
      // Deleted before anyone looked: nothing left to decide.
      comment.action = 'ignored';
    }
  } else if (intent === 'signup') {
    const party = partySize(comment.message);
    // An edit that names no slot keeps the signup where it is; a new one goes where there is room.
    const slot = named ?? (ownActive ? slotOf(event, ownActive.slotId) : undefined) ?? defaultSlotFor(ctx.state, event, party);
    if (ownActive) {
      // The signup follows the edited text: another slot, another party size.
      const hadPlace = ownActive.status === 'signed_up';
      moveSignup(ctx, ownActive, slot, false, replies, party);
      comment.action = ownActive.status === 'waitlisted' ? 'waitlisted' : 'signed_up';
      if (hadPlace && ownActive.status === 'waitlisted') replies.push(lostPlaceReply(ctx, comment, event, volunteer, ownActive, lang));
    } else if (activeSignupOf(ctx.state, volunteer.id, event.id)) {
      comment.action = 'already_signed_up';
    } else {
      const s = signUp(ctx, { event, slot, volunteer, partySize: party, source: 'comment', commentId: comment.id });
      comment.signupId = s.id;
      comment.action = s.status === 'waitlisted' ? 'waitlisted' : 'signed_up';
      const returning = ctx.state.signupsOfVolunteer(volunteer.id).some((x) => x.eventId !== event.id && x.status !== 'cancelled');
      const position = s.status === 'waitlisted' ? String(waitlistOf(ctx.state, event.id, slot.id).findIndex((x) => x.id === s.id) + 1) : '';
      const waiting = s.status === 'waitlisted';
      // Waitlisted for the slot they named while another has room: say which, so they can move.
      const open = waiting ? slotsWithRoom(ctx.state, event, party, slot.id) : [];
      const vars = varsFor(ctx, event, slot, volunteer, { position, open: openSlotsText(ctx, open, lang) });
      const publicKey = waiting ? (open.length > 0 ? 'waitlist.public.open' : 'waitlist.public') : returning ? 'signup.public.returning' : 'signup.public';
      replies.push({
        kind: waiting ? 'waitlist.public' : 'signup.public', key: comment.id, to: { commentId: comment.id, private: false },
        text: render(ctx, publicKey, vars, lang), volunteerId: volunteer.id,
      });
      privateTo(ctx, comment, volunteer, replies, waiting ? 'waitlist.private' : 'signup.private',
        render(ctx, waiting ? 'waitlist.private' : returning ? 'signup.private.returning' : 'signup.private', vars, lang), confirmChoices(s.id));
    }
  } else {
    if (ownActive) cancelSignup(ctx, ownActive, 'edited', replies);
    if (intent === 'cancel') {
      const mine = ctx.state.signupsOfVolunteer(volunteer.id).filter((s) => s.eventId === event.id && s.status !== 'cancelled' && (!named || s.slotId === named.id));
      for (const s of mine) cancelSignup(ctx, s, 'comment', replies);
      comment.action = mine.length > 0 ? 'cancelled' : ownActive ? 'withdrawn' : 'ignored';
      const s = mine[0];
      if (s) {
        const vars = varsFor(ctx, event, slotOf(event, s.slotId), volunteer);
        replies.push({ kind: 'cancel.public', key: comment.id, to: { commentId: comment.id, private: false }, text: render(ctx, 'cancel.public', vars, lang), volunteerId: volunteer.id });
        privateTo(ctx, comment, volunteer, replies, 'cancel.private', render(ctx, 'cancel.private', vars, lang));
      }
    } else if (intent === 'question') {
      comment.action = 'question';
      recordQuestion(ctx, comment, event, volunteer);
    } else {
      comment.action = ownActive ? 'withdrawn' : 'ignored';
    }
  }
  addToOutbox(comment, replies);
  ctx.state.syncReview(comment);
  ctx.state.touchRecord('comments', comment.id);
}

/**
 * The edit moved a signed-up party onto the waitlist (a full slot, or more people than the
 * places left): they are told, as a new signup of that size would be. Messenger when we know
 * them (a public reply under the comment when Messenger does not allow it), else publicly.
 */
function lostPlaceReply(ctx: SignupContext, comment: CommentRecord, event: EventRecord, v: VolunteerRecord, s: SignupRecord, lang: ReplyLanguage | null): ReplyJob {
  const slot = slotOf(event, s.slotId);
  const position = String(waitlistOf(ctx.state, event.id, s.slotId).findIndex((x) => x.id === s.id) + 1);
  const vars = varsFor(ctx, event, slot, v, { position });
  // Each edit that costs the place is its own message; a replay re-enqueues this same job from the outbox.
  const key = `${comment.id}.${ctx.now}`;
  if (v.psid) return { kind: 'waitlist.private', key, to: { psid: v.psid, fallbackCommentId: comment.id }, text: render(ctx, 'waitlist.private', vars, lang), volunteerId: v.id };
  return { kind: 'waitlist.public', key, to: { commentId: comment.id, private: false }, text: render(ctx, 'waitlist.public', vars, lang), volunteerId: v.id };
}

/** The comment's one private reply, or a Messenger message when it was used already and we know the person. */
function privateTo(ctx: SignupContext, comment: CommentRecord, v: VolunteerRecord, replies: ReplyJob[], kind: string, text: string, quickReplies?: { title: string; payload: string }[]): void {
  if (!comment.privateReplied) {
    comment.privateReplied = true;
    replies.push({ kind: 'private', key: comment.id, to: { commentId: comment.id, private: true, commentCreatedAt: comment.createdAt }, text, ...(quickReplies ? { quickReplies } : {}), volunteerId: v.id });
  } else if (v.psid) {
    replies.push({ kind, key: comment.id, to: { psid: v.psid }, text, ...(quickReplies ? { quickReplies } : {}), volunteerId: v.id });
  }
}

function recordQuestion(ctx: SignupContext, comment: CommentRecord, event: EventRecord, volunteer: VolunteerRecord): void {
  const id = `q_${comment.id}`;
  const existing = ctx.state.inbox[id];
  const suggestion = suggestAnswer(comment.message, event, (slotId) => {
    const slot = slotOf(event, slotId);
    return slot ? slot.capacity - takenIn(ctx.state, event.id, slotId) : 0;
  }, ctx.timeZone, firstNameOf(volunteer.name));
  const item = existing ?? {
    id, eventId: event.id, commentId: comment.id, volunteerId: volunteer.id, question: comment.message, suggestedAnswer: null,
    suggestedFrom: [], status: 'open' as const, answer: null, answeredAt: null, createdAt: ctx.now,
  };
  item.question = comment.message;
  item.suggestedAnswer = suggestion.answer;
  item.suggestedFrom = suggestion.from;
  ctx.state.inbox[id] = item;
  ctx.state.touchRecord('inbox', id);
  ctx.effects.emit('inbox.question', { item: inboxView(ctx.state, item) });
  ctx.effects.activities.push({
    id: `asked:${comment.id}`, verb: 'asked', actorId: volunteer.id, actorName: volunteer.name, eventId: event.id, eventTitle: event.title, slotTitle: null, at: ctx.now,
  });
  ctx.effects.eventsChanged.add(event.id);
}
