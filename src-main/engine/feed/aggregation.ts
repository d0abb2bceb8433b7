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

/** Local calendar day `YYYY-MM-DD` of a time, for a fixed offset from UTC in minutes. */
export function dayOf(time: number, utcOffsetMinutes = 0): string {
  return new Date(time + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

export function placementOf(a: Activity, utcOffsetMinutes = 0): Placement {
  const day = dayOf(a.time, utcOffsetMinutes);
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
