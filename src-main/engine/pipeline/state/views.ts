import type { CommentView, EventView, InboxItem, SignupView, Slot } from '../../../contract/events';
import type { VolunteerDetail, VolunteerView } from '../../../contract/volunteers';
import type { BroadcastDetail, BroadcastView, BroadcastChannel } from '../../../contract/broadcasts';
import type { PipelineState } from './pipeline-state';
import type { BroadcastRecord, CommentRecord, EventRecord, InboxRecord, SignupRecord, VolunteerRecord } from './records';
import { generatePostText } from '../events/post-text';

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** People counted against a slot's capacity (party sizes of signed-up signups). */
export function takenIn(state: PipelineState, eventId: string, slotId: string): number {
  return state.taken(eventId, slotId);
}

/** A slot's waitlist, first in line first. */
export function waitlistOf(state: PipelineState, eventId: string, slotId: string): SignupRecord[] {
  return state
    .signupsOfEvent(eventId)
    .filter((s) => s.slotId === slotId && s.status === 'waitlisted')
    .sort((a, b) => a.queuedAt - b.queuedAt || (a.id < b.id ? -1 : 1));
}

export function postTextOf(e: EventRecord, timeZone: string): string {
  return e.postTextOverride ?? generatePostText(e, timeZone);
}

export function eventView(state: PipelineState, e: EventRecord, timeZone: string, now: number): EventView {
  const signups = state.signupsOfEvent(e.id);
  const slots: Slot[] = e.slots.map((s) => ({
    id: s.id,
    title: s.title,
    start: iso(s.start),
    end: iso(s.end),
    capacity: s.capacity,
    description: s.description,
    taken: signups.filter((x) => x.slotId === s.id && x.status === 'signed_up').reduce((a, x) => a + x.partySize, 0),
    waitlisted: signups.filter((x) => x.slotId === s.id && x.status === 'waitlisted').length,
  }));
  let openQuestions = 0;
  for (const item of Object.values(state.inbox)) if (item.eventId === e.id && item.status === 'open') openQuestions += 1;
  // A post scheduled on Facebook is live once its time has come.
  const status = e.status === 'scheduled' && e.scheduledAt !== null && e.scheduledAt <= now ? 'published' : e.status;
  return {
    id: e.id,
    title: e.title,
    description: e.description,
    location: e.location,
    slots,
    defaultSlotId: e.slots[0]?.id ?? '',
    postText: postTextOf(e, timeZone),
    postTextEdited: e.postTextOverride !== null,
    status,
    scheduledAt: isoOrNull(e.scheduledAt),
    publishedAt: isoOrNull(status === 'published' ? (e.publishedAt ?? e.scheduledAt) : e.publishedAt),
    postId: e.postId,
    permalinkUrl: e.permalinkUrl,
    failureReason: e.failureReason,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    counts: {
      signedUp: slots.reduce((a, s) => a + s.taken, 0),
      capacity: slots.reduce((a, s) => a + s.capacity, 0),
      waitlisted: slots.reduce((a, s) => a + s.waitlisted, 0),
      openQuestions,
      comments: state.commentsByEvent.get(e.id)?.size ?? 0,
      needsReview: state.reviewByEvent.get(e.id)?.size ?? 0,
    },
  };
}

/** True when the person has a live signup for some other event than `exceptEventId`. */
export function isReturning(state: PipelineState, volunteerId: string, exceptEventId: string | null): boolean {
  for (const s of state.signupsOfVolunteer(volunteerId)) if (s.eventId !== exceptEventId && s.status !== 'cancelled') return true;
  return false;
}

export function signupView(state: PipelineState, s: SignupRecord): SignupView {
  const e = state.events[s.eventId];
  const slot = e?.slots.find((x) => x.id === s.slotId);
  const v = state.volunteers[s.volunteerId];
  const position = s.status === 'waitlisted' ? waitlistOf(state, s.eventId, s.slotId).findIndex((x) => x.id === s.id) + 1 : null;
  return {
    id: s.id,
    eventId: s.eventId,
    slotId: s.slotId,
    slotTitle: slot?.title ?? '',
    volunteerId: s.volunteerId,
    volunteerName: v?.name ?? 'Unknown',
    partySize: s.partySize,
    status: s.status,
    waitlistPosition: position,
    confirmation: s.confirmation,
    attended: s.attended,
    source: s.source,
    commentId: s.commentId,
    returning: isReturning(state, s.volunteerId, s.eventId),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function commentView(c: CommentRecord): CommentView {
  return {
    id: c.id,
    eventId: c.eventId,
    postId: c.postId,
    authorId: c.authorId,
    authorName: c.authorName,
    message: c.message,
    intent: c.intent,
    confidence: c.confidence,
    correctedIntent: c.correctedIntent,
    state: c.state === 'hidden' ? 'active' : c.state,
    action: c.action,
    language: c.language ?? null,
    replyProblems: (c.replyProblems ?? []).map((p) => ({ channel: p.channel, reason: p.reason, at: iso(p.at) })),
    createdAt: iso(c.createdAt),
  };
}

export function inboxView(state: PipelineState, i: InboxRecord): InboxItem {
  return {
    id: i.id,
    eventId: i.eventId,
    eventTitle: state.events[i.eventId]?.title ?? '',
    commentId: i.commentId,
    volunteerId: i.volunteerId,
    volunteerName: i.volunteerId ? (state.volunteers[i.volunteerId]?.name ?? null) : null,
    question: i.question,
    suggestedAnswer: i.suggestedAnswer,
    suggestedFrom: i.suggestedFrom,
    status: i.status,
    answer: i.answer,
    answeredAt: isoOrNull(i.answeredAt),
    createdAt: iso(i.createdAt),
  };
}

export function volunteerView(state: PipelineState, v: VolunteerRecord): VolunteerView {
  const events = new Set<string>();
  const attended = new Set<string>();
  for (const s of state.signupsOfVolunteer(v.id)) {
    if (s.status !== 'cancelled') events.add(s.eventId);
    if (s.attended) attended.add(s.eventId);
  }
  return {
    id: v.id,
    name: v.name,
    facebookId: v.facebookId,
    psid: v.psid,
    email: v.email,
    tags: v.tags,
    notes: v.notes,
    firstSeen: iso(v.firstSeen),
    lastSeen: iso(v.lastSeen),
    eventsSignedUp: events.size,
    eventsAttended: attended.size,
    returning: events.size > 1,
    source: v.source,
  };
}

export function volunteerDetail(state: PipelineState, v: VolunteerRecord): VolunteerDetail {
  const history = state
    .signupsOfVolunteer(v.id)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((s) => {
      const e = state.events[s.eventId];
      return {
        eventId: s.eventId,
        eventTitle: e?.title ?? '',
        slotTitle: e?.slots.find((x) => x.id === s.slotId)?.title ?? '',
        status: s.status,
        attended: s.attended,
        at: iso(s.createdAt),
      };
    });
  return { ...volunteerView(state, v), history, lastMessageAt: isoOrNull(v.lastMessageAt), mergedIds: v.mergedIds };
}

export function broadcastView(state: PipelineState, b: BroadcastRecord): BroadcastView {
  const counts = { total: 0, pending: 0, sent: 0, failed: 0, skipped: 0 };
  const byChannel: Record<BroadcastChannel, number> = { messenger: 0, template: 0, email: 0, none: 0 };
  for (const d of Object.values(b.deliveries)) {
    counts.total += 1;
    counts[d.status] += 1;
    byChannel[d.channel] += 1;
  }
  const status = counts.pending > 0 ? 'sending' : counts.failed > 0 ? 'done_with_failures' : 'done';
  return {
    id: b.id,
    eventId: b.eventId,
    eventTitle: state.events[b.eventId]?.title ?? '',
    message: b.message,
    audience: { slotId: b.slotId, includeWaitlist: b.includeWaitlist },
    status,
    counts,
    byChannel,
    createdAt: iso(b.createdAt),
    finishedAt: isoOrNull(b.finishedAt),
  };
}

export function broadcastDetail(state: PipelineState, b: BroadcastRecord): BroadcastDetail {
  return {
    ...broadcastView(state, b),
    deliveries: Object.values(b.deliveries).map((d) => ({ ...d, sentAt: isoOrNull(d.sentAt) })),
  };
}
