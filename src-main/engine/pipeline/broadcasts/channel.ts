import type { BroadcastChannel } from '../../../contract/broadcasts';
import { MESSENGER_WINDOW_MS } from '../queues/send-to-person';
import type { VolunteerRecord } from '../state/records';

/**
 * How to reach a person with an event update, and why: Messenger inside the 24 h window after
 * their last message, the approved utility template outside it (when one is set up), email
 * when that is all there is, otherwise nothing.
 */
export function chooseChannel(v: VolunteerRecord, now: number, templateAvailable: boolean): { channel: BroadcastChannel; reason: string } {
  if (v.psid && v.lastMessageAt !== null && now - v.lastMessageAt < MESSENGER_WINDOW_MS) {
    const hours = Math.max(0, Math.floor((now - v.lastMessageAt) / 3600_000));
    return { channel: 'messenger', reason: `wrote in Messenger ${hours === 0 ? 'less than an hour' : `${hours} h`} ago` };
  }
  if (v.psid && templateAvailable) return { channel: 'template', reason: 'Messenger contact outside the 24 h window: approved update template' };
  if (v.email) return { channel: 'email', reason: v.psid ? 'no update template set up: email' : 'no Messenger contact: email' };
  return { channel: 'none', reason: v.psid ? 'outside the 24 h window, no update template and no email' : 'no Messenger contact and no email' };
}
