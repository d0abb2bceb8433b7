import { randomUUID } from 'node:crypto';
import type { ReplyLanguage, ReplyTemplates, TemplateKey } from '../../../contract/events';
import { coordinatorActivity, type Effects, type ReplyJob } from '../effects';
import type { PipelineState } from '../state/pipeline-state';
import type { EventRecord, SignupRecord, SlotRecord, VolunteerRecord } from '../state/records';
import { isReturning, signupView, takenIn, waitlistOf } from '../state/views';
import { firstNameOf, renderTemplate, type TemplateVars } from '../replies/templates';
import { formatDate, formatTime } from '../time/local-time';

/** What every signup change needs: the records, the time, the coordinator's zone and texts, and where effects go. */
export interface SignupContext {
  state: PipelineState;
  now: number;
  timeZone: string;
  /** The texts in the Page's default language (replies whose language is not known). */
  templates: ReplyTemplates;
  /** The texts replies to a person writing in `lang` use (the default language's when it has none). */
  textsIn: (lang: ReplyLanguage | null) => ReplyTemplates;
  /** The language the texts for `lang` are really in (the default language's when it has none). */
  languageOf: (lang: ReplyLanguage | null) => ReplyLanguage;
  /** Comments the model is less sure of than this wait for the coordinator (0: act on every guess). */
  reviewThreshold: number;
  effects: Effects;
}

import type { CancelReason } from '../state/records';
export type { CancelReason };

export const CONFIRM_PREFIX = 'confirm:';
export const DECLINE_PREFIX = 'decline:';

export function slotOf(e: EventRecord, slotId: string): SlotRecord | undefined {
  return e.slots.find((s) => s.id === slotId);
}

export function varsFor(ctx: SignupContext, e: EventRecord, slot: SlotRecord | undefined, v: VolunteerRecord | undefined, extra: TemplateVars = {}): TemplateVars {
  return {
    firstName: firstNameOf(v?.name),
    name: v?.name ?? '',
    event: e.title,
    slot: slot?.title ?? '',
    date: slot ? formatDate(slot.start, ctx.timeZone) : '',
    time: slot ? formatTime(slot.start, ctx.timeZone) : '',
    location: e.location || 'the meeting point in the post',
    ...extra,
  };
}

/** A reply text filled in, in `lang` when it has texts (else the Page's default language). */
export function render(ctx: SignupContext, key: TemplateKey, vars: TemplateVars, lang: ReplyLanguage | null = null): string {
  return renderTemplate((lang ? ctx.textsIn(lang) : ctx.templates)[key], vars);
}

function payloadOf(ctx: SignupContext, s: SignupRecord) {
  const e = ctx.state.events[s.eventId]!;
  return {
    signupId: s.id,
    volunteerId: s.volunteerId,
    volunteerName: ctx.state.volunteers[s.volunteerId]?.name ?? 'Unknown',
    eventId: s.eventId,
    eventTitle: e.title,
    slotId: s.slotId,
    slotTitle: slotOf(e, s.slotId)?.title ?? '',
    partySize: s.partySize,
    returning: isReturning(ctx.state, s.volunteerId, s.eventId),
    waitlisted: s.status === 'waitlisted',
    source: s.source,
  };
}

function activity(ctx: SignupContext, verb: 'signed_up' | 'cancelled' | 'promoted', s: SignupRecord, idPart: string): void {
  const e = ctx.state.events[s.eventId]!;
  ctx.effects.activities.push({
    id: `${verb}:${s.id}:${idPart}`,
    verb,
    actorId: s.volunteerId,
    actorName: ctx.state.volunteers[s.volunteerId]?.name ?? 'Unknown',
    eventId: e.id,
    eventTitle: e.title,
    slotTitle: slotOf(e, s.slotId)?.title ?? null,
    at: ctx.now,
  });
}

export function emitWaitlist(ctx: SignupContext, eventId: string, slotId: string): void {
  const list = waitlistOf(ctx.state, eventId, slotId);
  ctx.effects.emit('waitlist.changed', {
    eventId,
    slotId,
    waitlist: list.map((s, i) => ({ signupId: s.id, volunteerName: ctx.state.volunteers[s.volunteerId]?.name ?? 'Unknown', position: i + 1 })),
  });
}

/** The person's live (signed up or waiting) signup for an event, if any. */
export function activeSignupOf(state: PipelineState, volunteerId: string, eventId: string): SignupRecord | undefined {
  return state.signupsOfVolunteer(volunteerId).find((s) => s.eventId === eventId && s.status !== 'cancelled');
}

/** Whether a whole party of `partySize` fits in the places `slot` has free (a party is never split). */
export function partyFits(state: PipelineState, eventId: string, slot: SlotRecord, partySize: number): boolean {
  return takenIn(state, eventId, slot.id) + partySize <= slot.capacity;
}

/** The slots, in the event's own order, with room for a party of `partySize`, leaving out `except`. */
export function slotsWithRoom(state: PipelineState, event: EventRecord, partySize: number, except: string | null = null): SlotRecord[] {
  return event.slots.filter((s) => s.id !== except && partyFits(state, event.id, s, partySize));
}

/**
 * Where a signup goes when the comment names no slot: the first slot, in the event's order,
 * with room for the whole party; the first slot (its waitlist) only when none has room. So
 * nobody is waitlisted while another shift has places.
 */
export function defaultSlotFor(state: PipelineState, event: EventRecord, partySize: number): SlotRecord {
  return slotsWithRoom(state, event, partySize)[0] ?? event.slots[0]!;
}

/**
 * "Afternoon (1:00 PM)" or "Afternoon (1:00 PM) or Evening (5:00 PM)": open slots for a reply to
 * a comment in `lang`, joined the way the language the reply's texts are in joins a choice.
 */
export function openSlotsText(ctx: SignupContext, slots: readonly SlotRecord[], lang: ReplyLanguage | null): string {
  const or = new Intl.ListFormat(ctx.languageOf(lang), { type: 'disjunction' });
  return or.format(slots.map((s) => `${s.title} (${formatTime(s.start, ctx.timeZone)})`));
}

/**
 * Signs a person up for a slot, or puts them on its waitlist when their whole party does not
 * fit (a party is never split). `overCapacity` lets the coordinator squeeze someone in.
 */
export function signUp(
  ctx: SignupContext,
  input: { event: EventRecord; slot: SlotRecord; volunteer: VolunteerRecord; partySize: number; source: 'comment' | 'coordinator'; commentId: string | null; overCapacity?: boolean },
): SignupRecord {
  const { event, slot, volunteer } = input;
  const fits = partyFits(ctx.state, event.id, slot, input.partySize);
  const s: SignupRecord = {
    id: input.commentId ? `s_${input.commentId}` : `s_${randomUUID()}`,
    eventId: event.id,
    slotId: slot.id,
    volunteerId: volunteer.id,
    partySize: input.partySize,
    status: fits || input.overCapacity ? 'signed_up' : 'waitlisted',
    queuedAt: ctx.now,
    confirmation: input.source === 'comment' ? 'pending' : 'not_asked',
    attended: null,
    source: input.source,
    commentId: input.commentId,
    promotions: 0,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  ctx.state.putSignup(s);
  ctx.effects.emit('signup.created', payloadOf(ctx, s));
  if (s.status === 'waitlisted') emitWaitlist(ctx, event.id, slot.id);
  activity(ctx, 'signed_up', s, String(ctx.now));
  if (input.source === 'coordinator') ctx.effects.activities.push(coordinatorActivity('coordinator_added_signup', event, s.id, ctx.now));
  ctx.effects.eventsChanged.add(event.id);
  return s;
}

/** Withdraws a signup; a place it frees goes to the first people waiting who fit. Returns those promoted. */
export function cancelSignup(ctx: SignupContext, s: SignupRecord, reason: CancelReason, replies: ReplyJob[]): SignupRecord[] {
  if (s.status === 'cancelled') return [];
  const wasWaiting = s.status === 'waitlisted';
  s.status = 'cancelled';
  s.cancelReason = reason;
  s.updatedAt = ctx.now;
  if (reason === 'declined') s.confirmation = 'declined';
  ctx.state.putSignup(s);
  ctx.effects.emit('signup.cancelled', { ...payloadOf(ctx, s), reason });
  if (reason === 'coordinator') {
    // The coordinator taking a signup off (a wrong one, or a duplicate left by a merge) is an
    // undo, not the person withdrawing: the feed stops saying they signed up or got a place,
    // shows no "cancelled" line for them, and keeps the coordinator's own "removed a signup".
    ctx.effects.activitiesGone.push(`signed_up:${s.id}`, `promoted:${s.id}`);
    const e = ctx.state.events[s.eventId];
    if (e) ctx.effects.activities.push(coordinatorActivity('coordinator_removed_signup', e, `${s.id}:${ctx.now}`, ctx.now));
  } else activity(ctx, 'cancelled', s, String(ctx.now));
  ctx.effects.eventsChanged.add(s.eventId);
  if (wasWaiting) {
    emitWaitlist(ctx, s.eventId, s.slotId);
    return [];
  }
  return promote(ctx, s.eventId, s.slotId, replies);
}

/**
 * Fills free places from the waitlist in order. A party that does not fit yet keeps its place
 * at the front while smaller ones behind it may take what is free (no place stays empty
 * while someone who fits is waiting). Each promoted person is told once.
 */
export function promote(ctx: SignupContext, eventId: string, slotId: string, replies: ReplyJob[]): SignupRecord[] {
  const e = ctx.state.events[eventId];
  const slot = e ? slotOf(e, slotId) : undefined;
  if (!e || !slot) return [];
  let free = slot.capacity - takenIn(ctx.state, eventId, slotId);
  const promoted: SignupRecord[] = [];
  for (const w of waitlistOf(ctx.state, eventId, slotId)) {
    if (free <= 0) break;
    if (w.partySize > free) continue;
    w.status = 'signed_up';
    w.promotions += 1;
    w.updatedAt = ctx.now;
    free -= w.partySize;
    ctx.state.putSignup(w);
    promoted.push(w);
    ctx.effects.emit('signup.promoted', payloadOf(ctx, w));
    activity(ctx, 'promoted', w, String(w.promotions));
    const reply = promotionReply(ctx, e, slot, w);
    if (reply) replies.push(reply);
  }
  if (promoted.length > 0) {
    emitWaitlist(ctx, eventId, slotId);
    ctx.effects.eventsChanged.add(eventId);
  }
  return promoted;
}

/** Messenger when we know the person's PSID; otherwise a public reply under their signup comment. */
function promotionReply(ctx: SignupContext, e: EventRecord, slot: SlotRecord, s: SignupRecord): ReplyJob | null {
  const v = ctx.state.volunteers[s.volunteerId];
  const text = render(ctx, 'promoted.private', varsFor(ctx, e, slot, v), v?.language ?? null);
  const key = `${s.id}.${s.promotions}`;
  if (v?.psid) return { kind: 'promoted', key, to: { psid: v.psid, ...(s.commentId ? { fallbackCommentId: s.commentId } : {}) }, text, volunteerId: v.id };
  if (s.commentId) return { kind: 'promoted', key, to: { commentId: s.commentId, private: false }, text, volunteerId: v?.id ?? null };
  // Added by hand and never in Messenger: the coordinator tells them (the live event shows it).
  return null;
}

/**
 * Moves a signup to another slot of its event and/or gives it a new party size: signed up there
 * if the whole party fits, else waiting (a party is never split, as for a new signup). Places it
 * frees go to the people waiting.
 */
export function moveSignup(ctx: SignupContext, s: SignupRecord, slot: SlotRecord, overCapacity: boolean, replies: ReplyJob[], partySize = s.partySize): void {
  if (s.slotId === slot.id) {
    resizeSignup(ctx, s, slot, partySize, overCapacity, replies);
    return;
  }
  const from = s.slotId;
  const wasSignedUp = s.status === 'signed_up';
  const wasWaiting = s.status === 'waitlisted';
  // Counted out of the old slot before measuring the new one.
  s.status = 'cancelled';
  ctx.state.putSignup(s);
  s.partySize = partySize;
  const fits = partyFits(ctx.state, s.eventId, slot, s.partySize);
  s.slotId = slot.id;
  s.status = fits || overCapacity ? 'signed_up' : 'waitlisted';
  s.queuedAt = ctx.now;
  s.updatedAt = ctx.now;
  ctx.state.putSignup(s);
  ctx.effects.emit('signup.updated', { signup: signupView(ctx.state, s) });
  ctx.effects.eventsChanged.add(s.eventId);
  if (s.status === 'waitlisted') emitWaitlist(ctx, s.eventId, slot.id);
  if (wasWaiting) emitWaitlist(ctx, s.eventId, from);
  if (wasSignedUp) promote(ctx, s.eventId, from, replies);
}

/**
 * A new party size in the same slot. A signed-up party that grows past the free places goes to
 * the back of the waitlist as a whole, like a new signup of that size; a smaller party frees
 * places for the people waiting (and a waiting party that now fits may be promoted itself).
 */
function resizeSignup(ctx: SignupContext, s: SignupRecord, slot: SlotRecord, partySize: number, overCapacity: boolean, replies: ReplyJob[]): void {
  if (partySize === s.partySize) return;
  const grew = partySize > s.partySize;
  const wasSignedUp = s.status === 'signed_up';
  if (wasSignedUp && grew && !overCapacity) {
    // Counted out before measuring, so the party's own places count as free.
    s.status = 'cancelled';
    ctx.state.putSignup(s);
    const fits = partyFits(ctx.state, s.eventId, slot, partySize);
    s.status = fits ? 'signed_up' : 'waitlisted';
    if (!fits) s.queuedAt = ctx.now;
  }
  s.partySize = partySize;
  s.updatedAt = ctx.now;
  ctx.state.putSignup(s);
  ctx.effects.emit('signup.updated', { signup: signupView(ctx.state, s) });
  ctx.effects.eventsChanged.add(s.eventId);
  if (s.status === 'waitlisted') emitWaitlist(ctx, s.eventId, slot.id);
  promote(ctx, s.eventId, slot.id, replies);
}

/** The Yes / No choices under a signup's private reply; the answer comes back as a postback or quick reply. */
export function confirmChoices(signupId: string) {
  return [
    { title: 'Yes', payload: `${CONFIRM_PREFIX}${signupId}` },
    { title: 'No', payload: `${DECLINE_PREFIX}${signupId}` },
  ];
}
