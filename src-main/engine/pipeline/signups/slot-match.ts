import { fold } from '../state/pipeline-state';
import type { SlotRecord } from '../state/records';
import { localParts } from '../time/local-time';

const DAY_NAMES: string[][] = [
  ['sunday', 'sun'], ['monday', 'mon'], ['tuesday', 'tue', 'tues'], ['wednesday', 'wed'],
  ['thursday', 'thu', 'thur', 'thurs'], ['friday', 'fri'], ['saturday', 'sat'],
];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, couple: 2,
};
/** Words too common to tell slots apart by. */
const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'for', 'in', 'on', 'at', 'to', 'shift', 'slot', 'session', 'time', 'day', 'me', 'i', 'im', 'count', 'sign', 'up', 'please', 'can', 'help', 'with']);

/**
 * Words that are words of their own, never a shortening of a slot title: "after all" is not
 * "afternoon", "can't even" is not "evening".
 */
const NOT_SHORT_FOR = new Set(['after', 'even', 'ever', 'over', 'some', 'more', 'most', 'then', 'there']);

function words(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function partOfDay(hour: number): 'morning' | 'afternoon' | 'evening' {
  if (hour < 12) return 'morning';
  if (hour < 17) return 'afternoon';
  return 'evening';
}

/** Hours a comment names: "9am", "9:30", "2pm", "14h", "at 2". */
function hoursNamed(text: string): number[] {
  const out: number[] = [];
  for (const m of fold(text).matchAll(/\b(\d{1,2})(?::(\d{2}))?\s*(am|pm|h)?\b/g)) {
    const h = Number(m[1]);
    const suffix = m[3];
    if (!m[2] && !suffix) continue;
    if (h > 23) continue;
    if (suffix === 'pm' && h < 12) out.push(h + 12);
    else if (suffix === 'am' && h === 12) out.push(0);
    else out.push(h);
  }
  return out;
}

/** Day-of-month + month pairs a comment names: "Dec 5", "5 December", "5th". */
function datesNamed(text: string): Array<{ day: number; month: number | null }> {
  const t = fold(text);
  const out: Array<{ day: number; month: number | null }> = [];
  for (const m of t.matchAll(/\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b/g)) {
    const mi = MONTHS.indexOf(m[1]!.slice(0, 3));
    if (mi >= 0) out.push({ day: Number(m[2]), month: mi + 1 });
  }
  for (const m of t.matchAll(/\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b/g)) {
    const mi = MONTHS.indexOf(m[2]!.slice(0, 3));
    if (mi >= 0) out.push({ day: Number(m[1]), month: mi + 1 });
  }
  for (const m of t.matchAll(/\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b/g)) out.push({ day: Number(m[1]), month: null });
  return out;
}

/**
 * Which slot a comment names, or null when it names none (or names two equally well, in which
 * case the caller uses the event's default slot). Clues, strongest first: the slot's own title
 * words ("the afternoon", "Beach clean"), an ordinal ("second shift", "slot 2"), a date
 * ("Dec 5", "the 5th"), a weekday ("Sunday"), an hour ("2pm"), a part of the day ("morning").
 * Weekdays, dates and hours are read in the coordinator's time zone.
 */
export function matchSlot(text: string, slots: readonly SlotRecord[], timeZone: string): SlotRecord | null {
  if (slots.length <= 1) return null;
  const ws = new Set(words(text));
  const folded = fold(text);
  const hours = hoursNamed(text);
  const dates = datesNamed(text);
  const scores = slots.map((slot, index) => {
    let score = 0;
    const titleWords = words(slot.title).filter((w) => !STOP.has(w));
    if (titleWords.length > 0) {
      const hit = titleWords.filter((w) => ws.has(w) || (w.length >= 5 && [...ws].some((x) => x.length >= 4 && !NOT_SHORT_FOR.has(x) && w.startsWith(x)))).length;
      if (hit === titleWords.length) score += 10;
      else if (hit > 0) score += 4 * hit;
    }
    if (new RegExp(`\\b${ORDINALS[index]}\\b\\s*(shift|slot|session|one)?`).test(folded) && /\b(shift|slot|session|one)\b/.test(folded)) score += 8;
    if (new RegExp(`\\b(slot|shift|session)\\s*#?${index + 1}\\b`).test(folded)) score += 8;
    const p = localParts(slot.start, timeZone);
    if (dates.some((d) => d.day === p.day && (d.month === null || d.month === p.month))) score += 6;
    if (DAY_NAMES[p.weekday]!.some((d) => ws.has(d))) score += 5;
    if (hours.includes(p.hour)) score += 5;
    const part = partOfDay(p.hour);
    if (ws.has(part) || (part === 'evening' && ws.has('night'))) score += 3;
    return score;
  });
  const best = Math.max(...scores);
  if (best <= 0) return null;
  const winners = scores.flatMap((s, i) => (s === best ? [i] : []));
  return winners.length === 1 ? slots[winners[0]!]! : null;
}

function count(word: string): number | null {
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word] ?? null;
}

/** The largest party one comment can sign up; bigger groups should talk to the coordinator. */
export const MAX_PARTY = 10;

/**
 * How many people a signup comment speaks for: "me + 2 friends" → 3, "3 of us" → 3,
 * "me and my wife" → 2, "+1" → 2; plain "count me in" → 1. Clamped to 1..MAX_PARTY.
 */
export function partySize(text: string): number {
  const t = fold(text);
  let n = 1;
  const ofUs = /\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+of\s+us\b/.exec(t);
  const plus = /(?:^|\s|me\s*)\+\s*(\d+)\b/.exec(t);
  const andOthers = /\b(?:and|&|plus|with)\s+(?:my\s+)?(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|couple)\s+(?:of\s+)?(?:more\s+|other\s+)?(friends?|others?|people|kids?|children|colleagues?|coworkers?|neighbou?rs?|more|guests?|family members?|sons?|daughters?)\b/.exec(t);
  const companion = /\b(?:me\s+and|me\s*&|with|plus)\s+my\s+(wife|husband|partner|friend|son|daughter|mum|mom|dad|brother|sister|kid|child|colleague|neighbou?r)\b|\bmy\s+(wife|husband|partner|friend|son|daughter|mum|mom|dad|brother|sister)\s+and\s+i\b/.exec(t);
  if (ofUs) n = count(ofUs[1]!) ?? 1;
  else if (plus) n = 1 + Number(plus[1]);
  else if (andOthers) n = 1 + (count(andOthers[1]!) ?? 1);
  else if (companion) n = 2;
  return Math.max(1, Math.min(MAX_PARTY, n));
}
