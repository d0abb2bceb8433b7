import { isolate } from '../../bidi';
import { fold } from '../state/pipeline-state';
import type { EventRecord } from '../state/records';
import { formatRange } from '../time/local-time';

export type Fact = 'time' | 'location' | 'description' | 'slots' | 'capacity';

export interface Suggestion {
  answer: string | null;
  from: Fact[];
}

const ASKS: Array<[Fact, RegExp]> = [
  ['time', /\b(when|what time|which time|start|starts|starting|end|ends|finish|how long|until|date|day)\b/],
  ['location', /\b(where|location|address|place|venue|park|parking|get there|directions|meet|meeting point)\b/],
  ['capacity', /\b(full|spots?|places?|room|space|still (open|available)|how many)\b/],
  ['slots', /\b(shifts?|slots?|sessions?|which one|options)\b/],
  ['description', /\b(bring|wear|need|what (do|should|will|is)|kids?|children|age|food|lunch|gloves|tools|equipment|provided|about)\b/],
];

/**
 * An answer built from the event's own facts for the coordinator to send or edit, or none when
 * the question asks about something the event does not say. Never sent without the coordinator.
 */
export function suggestAnswer(
  question: string,
  event: EventRecord,
  placesLeft: (slotId: string) => number,
  timeZone: string,
  firstName: string,
): Suggestion {
  const q = fold(question);
  const from: Fact[] = [];
  const parts: string[] = [];
  for (const [fact, re] of ASKS) {
    if (!re.test(q)) continue;
    if (fact === 'time') {
      const when = event.slots.map((s) => (event.slots.length > 1 ? `${s.title}: ${formatRange(s.start, s.end, timeZone)}` : formatRange(s.start, s.end, timeZone)));
      parts.push(`It's on ${when.join('; ')}.`);
    } else if (fact === 'location') {
      if (!event.location.trim()) continue;
      parts.push(`We meet at ${event.location.trim()}.`);
    } else if (fact === 'capacity') {
      const open = event.slots.map((s) => ({ s, left: placesLeft(s.id) }));
      const text = open.map(({ s, left }) => `${event.slots.length > 1 ? `${s.title}: ` : ''}${left > 0 ? `${left} ${left === 1 ? 'place' : 'places'} left` : 'full (you can join the waitlist)'}`);
      parts.push(`${text.join('; ')}.`);
    } else if (fact === 'slots') {
      if (event.slots.length < 2) continue;
      parts.push(`The shifts are ${event.slots.map((s) => `${s.title} (${formatRange(s.start, s.end, timeZone)})`).join(', ')}.`);
    } else if (fact === 'description') {
      if (!event.description.trim()) continue;
      parts.push(event.description.trim());
    }
    from.push(fact);
  }
  if (parts.length === 0) return { answer: null, from: [] };
  return { answer: `Hi ${isolate(firstName)}! ${parts.join(' ')}`, from };
}
