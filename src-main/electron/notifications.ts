import type { SignupEventPayload } from '../contract/events';

export interface Notice {
  title: string;
  body: string;
}

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 120) : fallback;
}

/**
 * The desktop notification for a new signup. Signups the coordinator made themselves raise
 * none. The payload crossed Redis as JSON, so every field is read with a fallback.
 */
export function signupNotice(payload: SignupEventPayload): Notice | null {
  if (!payload || typeof payload !== 'object' || payload.source === 'coordinator') return null;
  const who = text(payload.volunteerName, 'Someone');
  const party = Number.isInteger(payload.partySize) && payload.partySize > 1 ? ` (+${payload.partySize - 1})` : '';
  const place = [text(payload.eventTitle, ''), text(payload.slotTitle, '')].filter(Boolean).join(' · ') || 'an event';
  if (payload.waitlisted === true) return { title: 'Added to the waitlist', body: `${who}${party} is on the waitlist for ${place}` };
  return {
    title: payload.returning === true ? 'A returning volunteer signed up' : 'New volunteer signup',
    body: `${who}${party} signed up for ${place}`,
  };
}
