import type { Activity, FeedVerb } from '../../contract/feed';

/**
 * How an activity is grouped. Two aggregations hold every activity:
 * - the actor aggregation (verb, actor, day): "Maria Lopez signed up for 3 events today",
 *   shown in the actor's profile feed and to those following the actor;
 * - the object aggregation (verb, object, day): "12 people commented on Beach Cleanup today",
 *   shown in the object's own feed and to those following the object.
 * The organisation feed shows one of the two, by verb: what a person does across events
 * (signups, withdrawals, attendance, the coordinator's actions) by actor; what a crowd does on
 * one event (comments, questions) by object.
 */
export interface Placement {
  actorAgg: string;
  objectAgg: string;
  /** Index subjects: `actor:<id>` and `object:<type>:<id>`. */
  actorSubject: string;
  objectSubject: string;
  /** The actor's profile feed. */
  actorFeed: string;
  /** The object's own feed, or '' when its type has none (only events have one). */
  objectFeed: string;
  /** Which aggregation the organisation feed shows. */
  orgKind: 'actor' | 'object';
}

/** Verbs the organisation feed groups by object ("12 people commented on…"); the rest by actor. */
const ORG_BY_OBJECT: ReadonlySet<FeedVerb> = new Set<FeedVerb>(['commented', 'asked']);

export function orgKindOf(verb: FeedVerb): 'actor' | 'object' {
  return ORG_BY_OBJECT.has(verb) ? 'object' : 'actor';
}

/** The user whose "following" feed the coordinator reads. */
export const COORDINATOR = 'coordinator';

/** Objects with a feed of their own. */
const OBJECT_FEED_TYPES = new Set(['event']);

// Building an Intl formatter costs far more than using one, and every fan-out asks: one per zone.
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar day `YYYY-MM-DD` a time falls on in an IANA time zone (the coordinator's),
 * following that zone's daylight-saving rules, so "today" is the coordinator's today.
 */
export function dayOf(time: number, timeZone = 'UTC'): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    // en-CA formats a date as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  return f.format(time);
}

/** The first moment (ms) of a calendar day `YYYY-MM-DD` in a time zone. */
export function startOfDay(day: string, timeZone = 'UTC'): number {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  // Local midnight = UTC midnight minus the zone's offset then; a second pass settles a day on
  // which the offset changes (daylight saving).
  let t = midnightUtc - offsetAt(midnightUtc, timeZone);
  t = midnightUtc - offsetAt(t, timeZone);
  // Where midnight itself is skipped by a clock change, the day starts at the first moment on it.
  while (dayOf(t, timeZone) !== day && dayOf(t, timeZone) < day) t += 15 * 60_000;
  return t;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far a zone's wall clock is ahead of UTC at a moment, in ms. */
function offsetAt(time: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    });
    offsetFormatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(time)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
  return wall - Math.floor(time / 1000) * 1000;
}

/** Whether the runtime knows a time zone name. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function placementOf(a: Activity, timeZone = 'UTC'): Placement {
  const day = dayOf(a.time, timeZone);
  return {
    actorAgg: `a|${a.verb}|${a.actor.id}|${day}`,
    objectAgg: `o|${a.verb}|${a.object.type}:${a.object.id}|${day}`,
    actorSubject: `actor:${a.actor.id}`,
    objectSubject: `object:${a.object.type}:${a.object.id}`,
    actorFeed: `volunteer:${a.actor.id}`,
    objectFeed: OBJECT_FEED_TYPES.has(a.object.type) ? `${a.object.type}:${a.object.id}` : '',
    orgKind: orgKindOf(a.verb),
  };
}

export interface ParsedAgg {
  kind: 'actor' | 'object';
  verb: FeedVerb;
  day: string;
}

/** Reads an aggregation id back (ids never contain '|', see the contract's schema). */
export function parseAgg(aggId: string): ParsedAgg | null {
  const parts = aggId.split('|');
  if (parts.length !== 4) return null;
  const [kind, verb, , day] = parts as [string, string, string, string];
  if (kind !== 'a' && kind !== 'o') return null;
  return { kind: kind === 'a' ? 'actor' : 'object', verb: verb as FeedVerb, day };
}

/** A follow target as the contract names it (`volunteer:<id>`, `event:<id>`) → index subject. */
export function subjectOfTarget(target: string): string {
  if (target.startsWith('volunteer:')) return `actor:${target.slice('volunteer:'.length)}`;
  if (target.startsWith('event:')) return `object:${target}`;
  throw new Error(`cannot follow ${target}`);
}

/** The inverse of subjectOfTarget. */
export function targetOfSubject(subject: string): string {
  if (subject.startsWith('actor:')) return `volunteer:${subject.slice('actor:'.length)}`;
  return subject.slice('object:'.length);
}

/** The Redis feed id behind a contract feed name for one user. */
export function feedIdOf(name: string, userId = COORDINATOR): string {
  return name === 'following' ? `following:${userId}` : name;
}
