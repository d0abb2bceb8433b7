import { randomUUID } from 'node:crypto';
import { RpcError } from '../../../contract/errors';
import type { IntentName } from '../../../contract/intents';
import type { Handlers } from '../../module';
import type { PipelineCore } from '../core';
import { findEvent } from '../events/event-handlers';
import { decide, unsent } from '../recorder/apply-comment';
import type { SignupRecord, VolunteerRecord } from '../state/records';
import { commentView, signupView, waitlistOf } from '../state/views';
import { cancelSignup, moveSignup, signUp, slotOf } from './signup-engine';
import { safeCsv } from '../roster/csv-safe';

type SignupHandlers = Pick<
  Handlers,
  'comments.list' | 'comments.correct' | 'comments.needsReview' | 'signups.list' | 'signups.add' | 'signups.move' | 'signups.remove' | 'signups.markAttendance' | 'signups.export'
>;

/** A correction the model engineer's training data can take (`model.correct`), when wired. */
export type CorrectionSink = (c: { commentId: string; text: string; intent: IntentName; previous: IntentName | null }) => void | Promise<void>;

function findSignup(core: PipelineCore, id: string): SignupRecord {
  const s = core.state.signups[id];
  if (!s) throw new RpcError('not_found', `There is no signup with id ${id}; reload the signups list.`);
  return s;
}

/** comments.* and signups.*: what the coordinator sees of an event's comments and signups, and changes by hand. */
export function signupHandlers(core: PipelineCore, onCorrection?: CorrectionSink): SignupHandlers {
  const { state } = core;
  return {
    async 'comments.list'(a) {
      findEvent(core, a.eventId);
      const out = [];
      for (const id of state.commentsByEvent.get(a.eventId) ?? []) {
        const c = state.comments[id];
        if (c && (!a.intent || (c.correctedIntent ?? c.intent) === a.intent)) out.push(c);
      }
      return out.sort((x, y) => y.createdAt - x.createdAt).slice(0, a.limit).map(commentView);
    },
    async 'comments.correct'(a) {
      const c = state.comments[a.commentId];
      if (!c) throw new RpcError('not_found', `There is no comment with id ${a.commentId}.`);
      const previous = c.correctedIntent ?? c.intent;
      c.correctedIntent = a.intent;
      const event = c.eventId ? state.events[c.eventId] : undefined;
      const vid = c.authorId ? state.volunteerByFacebookId.get(c.authorId) : undefined;
      const volunteer = vid ? state.volunteers[vid] : undefined;
      // A comment held for a look is acted on now even when the coordinator confirms the model's guess.
      const held = c.action === 'needs_review';
      await core.change((ctx, replies) => {
        state.putComment(c);
        if (event && volunteer && c.state !== 'removed' && (held || previous !== a.intent)) {
          decide(ctx, c, event, volunteer, a.intent);
          replies.push(...unsent(c));
        }
        if (event && held) ctx.effects.eventsChanged.add(event.id);
        ctx.effects.emit('comment.updated', { comment: commentView(c) });
      });
      if (onCorrection) await onCorrection({ commentId: c.id, text: c.message, intent: a.intent, previous });
      return commentView(c);
    },
    async 'comments.needsReview'(a) {
      if (a.eventId) findEvent(core, a.eventId);
      const out = [];
      for (const [eventId, ids] of state.reviewByEvent) {
        if (a.eventId && eventId !== a.eventId) continue;
        if (!state.events[eventId]) continue;
        for (const id of ids) {
          const c = state.comments[id];
          if (c?.action === 'needs_review') out.push(c);
        }
      }
      // Oldest first: the person who has waited longest for an answer comes first.
      return out.sort((x, y) => x.createdAt - y.createdAt).slice(0, a.limit).map(commentView);
    },
    async 'signups.list'(a) {
      const e = findEvent(core, a.eventId);
      const all = state.signupsOfEvent(e.id);
      return {
        eventId: e.id,
        slots: e.slots.map((slot) => {
          const signups = all.filter((s) => s.slotId === slot.id && s.status === 'signed_up').sort((x, y) => x.createdAt - y.createdAt);
          return {
            slotId: slot.id, title: slot.title, start: new Date(slot.start).toISOString(), end: new Date(slot.end).toISOString(), capacity: slot.capacity,
            taken: signups.reduce((n, s) => n + s.partySize, 0),
            signups: signups.map((s) => signupView(state, s)),
            waitlist: waitlistOf(state, e.id, slot.id).map((s) => signupView(state, s)),
          };
        }),
        cancelled: all.filter((s) => s.status === 'cancelled').map((s) => signupView(state, s)),
      };
    },
    async 'signups.add'(a) {
      const e = findEvent(core, a.eventId);
      const slot = a.slotId ? slotOf(e, a.slotId) : e.slots[0];
      if (!slot) throw new RpcError('not_found', 'That slot is not part of this event; reload the event.');
      let v: VolunteerRecord | undefined;
      if (a.volunteerId) {
        v = state.volunteers[a.volunteerId];
        if (!v) throw new RpcError('not_found', `There is no volunteer with id ${a.volunteerId}.`);
      }
      const existing = v ? state.signupsOfVolunteer(v.id).find((s) => s.eventId === e.id && s.status !== 'cancelled') : undefined;
      if (existing) throw new RpcError('conflict', `${v!.name} is already signed up for this event. Move their signup instead.`);
      const s = await core.change((ctx) => {
        if (!v) {
          const now = ctx.now;
          v = { id: `vol_${randomUUID()}`, name: a.name!, facebookId: null, psid: null, email: null, tags: [], notes: '', firstSeen: now, lastSeen: now, lastMessageAt: null, source: 'coordinator', mergedIds: [] };
          state.putVolunteer(v);
        }
        return signUp(ctx, { event: e, slot, volunteer: v, partySize: a.partySize, source: 'coordinator', commentId: null, overCapacity: a.overCapacity });
      });
      return signupView(state, s);
    },
    async 'signups.move'(a) {
      const s = findSignup(core, a.signupId);
      if (s.status === 'cancelled') throw new RpcError('conflict', 'This signup was cancelled; add the person again instead.');
      const e = findEvent(core, s.eventId);
      const slot = slotOf(e, a.slotId);
      if (!slot) throw new RpcError('not_found', 'That slot is not part of this event; reload the event.');
      await core.change((ctx, replies) => moveSignup(ctx, s, slot, a.overCapacity, replies));
      return signupView(state, s);
    },
    async 'signups.remove'(a) {
      const s = findSignup(core, a.signupId);
      if (s.status === 'cancelled') throw new RpcError('conflict', 'This signup is already cancelled.');
      const promoted = await core.change((ctx, replies) => cancelSignup(ctx, s, 'coordinator', replies));
      return { removed: signupView(state, s), promoted: promoted[0] ? signupView(state, promoted[0]) : null };
    },
    async 'signups.markAttendance'(a) {
      for (const m of a.marks) findSignup(core, m.signupId);
      let updated = 0;
      await core.change((ctx) => {
        for (const m of a.marks) {
          const s = state.signups[m.signupId]!;
          if (s.attended === m.attended) continue;
          s.attended = m.attended;
          s.updatedAt = ctx.now;
          state.putSignup(s);
          updated += 1;
          ctx.effects.eventsChanged.add(s.eventId);
          ctx.effects.emit('signup.updated', { signup: signupView(state, s) });
          if (m.attended) {
            const e = state.events[s.eventId]!;
            const v = state.volunteers[s.volunteerId];
            ctx.effects.activities.push({
              id: `attended:${s.id}`, verb: 'attended', actorId: s.volunteerId, actorName: v?.name ?? 'Unknown', eventId: e.id, eventTitle: e.title,
              slotTitle: slotOf(e, s.slotId)?.title ?? null, at: ctx.now,
            });
          }
        }
      });
      return { updated };
    },
    async 'signups.export'(a) {
      const e = findEvent(core, a.eventId);
      const rows = state.signupsOfEvent(e.id)
        .sort((x, y) => x.createdAt - y.createdAt)
        .map((s) => {
          const view = signupView(state, s);
          const v = state.volunteers[s.volunteerId];
          return {
            Name: view.volunteerName, Email: v?.email ?? '', Slot: view.slotTitle, Status: view.status,
            'Waitlist position': view.waitlistPosition ?? '', 'Party size': view.partySize, Confirmation: view.confirmation,
            Attended: view.attended === null ? '' : view.attended ? 'yes' : 'no', Returning: view.returning ? 'yes' : 'no', 'Signed up at': view.createdAt,
          };
        });
      const slug = e.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'event';
      return { filename: `${slug}-signups.csv`, csv: safeCsv(['Name', 'Email', 'Slot', 'Status', 'Waitlist position', 'Party size', 'Confirmation', 'Attended', 'Returning', 'Signed up at'], rows) };
    },
  };
}
