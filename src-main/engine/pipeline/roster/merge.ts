import type { SignupContext } from '../signups/signup-engine';
import { cancelSignup } from '../signups/signup-engine';
import type { ReplyJob } from '../effects';
import type { VolunteerRecord } from '../state/records';

/**
 * Folds duplicates into `keep`: their signups move over (where both were signed up for the
 * same event, the duplicate's signup is cancelled), empty contact fields are filled, tags are
 * combined, notes appended, and their Facebook ids kept as aliases so later comments land here.
 */
export function mergeVolunteers(ctx: SignupContext, keep: VolunteerRecord, dups: VolunteerRecord[], replies: ReplyJob[]): void {
  const { state } = ctx;
  for (const d of dups) {
    for (const s of state.signupsOfVolunteer(d.id)) {
      const clash = state.signupsOfVolunteer(keep.id).some((k) => k.eventId === s.eventId && k.status !== 'cancelled');
      if (clash && s.status !== 'cancelled') cancelSignup(ctx, s, 'coordinator', replies);
      s.volunteerId = keep.id;
      state.putSignup(s);
    }
    state.deleteVolunteer(d.id);
    const aliases = new Set([...(keep.aliasFacebookIds ?? []), ...(d.aliasFacebookIds ?? [])]);
    if (d.facebookId) {
      if (!keep.facebookId) keep.facebookId = d.facebookId;
      else if (keep.facebookId !== d.facebookId) aliases.add(d.facebookId);
    }
    keep.aliasFacebookIds = [...aliases];
    keep.psid ??= d.psid;
    keep.email ??= d.email;
    keep.tags = [...new Set([...keep.tags, ...d.tags])];
    if (d.notes.trim() && !keep.notes.includes(d.notes.trim())) keep.notes = keep.notes.trim() ? `${keep.notes.trim()}\n${d.notes.trim()}` : d.notes.trim();
    keep.firstSeen = Math.min(keep.firstSeen, d.firstSeen);
    keep.lastSeen = Math.max(keep.lastSeen, d.lastSeen);
    if (d.lastMessageAt !== null && (keep.lastMessageAt === null || d.lastMessageAt > keep.lastMessageAt)) keep.lastMessageAt = d.lastMessageAt;
    keep.mergedIds = [...new Set([...keep.mergedIds, d.id, ...d.mergedIds])];
  }
  state.putVolunteer(keep);
}
