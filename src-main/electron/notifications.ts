/** The live event that raises a desktop notification. */
export const SIGNUP_EVENT = 'signup.created';

export interface Notice {
  title: string;
  body: string;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, 120) : null;
}

function field(obj: unknown, ...keys: string[]): string | null {
  if (!obj || typeof obj !== 'object') return null;
  const record = obj as Record<string, unknown>;
  for (const key of keys) {
    const [head, tail] = key.split('.', 2) as [string, string | undefined];
    const found = tail ? field(record[head], tail) : text(record[head]);
    if (found) return found;
  }
  return null;
}

/**
 * The notification for a new signup, read defensively from the event's payload (flat names
 * like `volunteerName` or nested ones like `volunteer.name`). Null when there is nothing
 * worth saying.
 */
export function signupNotice(payload: unknown): Notice | null {
  const who = field(payload, 'volunteerName', 'volunteer.name', 'name');
  const what = field(payload, 'eventTitle', 'event.title', 'eventName');
  const slot = field(payload, 'slotTitle', 'slot.title', 'slotLabel', 'slotName');
  if (!who && !what) return null;
  const waitlisted = field(payload, 'status') === 'waitlisted' || (payload as { waitlisted?: unknown } | null)?.waitlisted === true;
  const title = waitlisted ? 'Added to the waitlist' : 'New volunteer signup';
  const place = [what, slot].filter(Boolean).join(' · ');
  return { title, body: `${who ?? 'Someone'} ${waitlisted ? 'is on the waitlist for' : 'signed up for'} ${place || 'an event'}` };
}
