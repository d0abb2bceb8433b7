import { defaultSlotFor } from '../signups/signup-engine';
import { matchSlot, partySize } from '../signups/slot-match';
import type { PipelineState } from './pipeline-state';
import { facebookVolunteer } from '../recorder/apply-comment';
import type { CommentRecord, SignupRecord } from './records';

export interface Rebuilt {
  signups: number;
  volunteers: number;
}

/** Actions that mean the comment's author is a person on the roster (never the Page itself). */
const PERSON_ACTIONS = new Set<CommentRecord['action']>(['signed_up', 'waitlisted', 'cancelled', 'question', 'already_signed_up', 'withdrawn', 'needs_review']);

/**
 * Makes the records agree again after a data file was restored from an older backup (or lost):
 * the comments say what was done, so a signup a comment made (action `signed_up` or
 * `waitlisted`, with its `signupId`) that is missing is made again from the comment, and a person
 * such a comment names who is missing from the roster is added back. Nothing is sent: the replies
 * that comment caused are in its outbox and were sent once (Redis sent markers and the comment's
 * own `sent` record), and a later comment from the same person now finds their signup, so they
 * are never told "you're signed up" twice. Returns what was rebuilt (0 and 0 when all agreed).
 */
export function rebuildFromComments(state: PipelineState, timeZone: string): Rebuilt {
  const out: Rebuilt = { signups: 0, volunteers: 0 };
  const comments = Object.values(state.comments).sort((a, b) => a.createdAt - b.createdAt);
  for (const c of comments) {
    if (!c.authorId || !PERSON_ACTIONS.has(c.action)) continue;
    const event = c.eventId ? state.events[c.eventId] : undefined;
    if (!event) continue;
    let vid = state.volunteerByFacebookId.get(c.authorId);
    if (!vid || !state.volunteers[vid]) {
      const v = facebookVolunteer({ id: c.authorId, name: c.authorName }, c.createdAt);
      state.putVolunteer(v);
      vid = v.id;
      out.volunteers += 1;
    }
    if (!c.signupId || state.signups[c.signupId] || (c.action !== 'signed_up' && c.action !== 'waitlisted')) continue;
    if (event.slots.length === 0) continue;
    // The recorder's rule, replayed in comment order: a comment naming no slot went to the first
    // slot with room for its party.
    const party = partySize(c.message);
    const slot = matchSlot(c.message, event.slots, timeZone) ?? defaultSlotFor(state, event, party);
    const s: SignupRecord = {
      id: c.signupId, eventId: event.id, slotId: slot.id, volunteerId: vid, partySize: party,
      // As the person was told: a place, or a place on the waitlist.
      status: c.action === 'waitlisted' ? 'waitlisted' : 'signed_up',
      queuedAt: c.createdAt, confirmation: 'pending', attended: null, source: 'comment', commentId: c.id, promotions: 0,
      createdAt: c.createdAt, updatedAt: c.updatedAt,
    };
    state.putSignup(s);
    out.signups += 1;
  }
  return out;
}
