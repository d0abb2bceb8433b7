import { COORDINATOR_ACTOR, type Activity, type FeedVerb } from '../../contract/feed';
import { isolate } from '../bidi';

/**
 * How each verb reads after one person (`one`) or several people (`many`); `across` is for one
 * person on several objects, where it differs ("You added signups to 2 events").
 */
const PHRASES: Record<FeedVerb, { one: string; many: string; across?: string }> = {
  commented: { one: 'commented on', many: 'commented on' },
  signed_up: { one: 'signed up for', many: 'signed up for' },
  cancelled: { one: 'withdrew from', many: 'withdrew from' },
  asked: { one: 'asked about', many: 'asked about' },
  attended: { one: 'attended', many: 'attended' },
  promoted: { one: 'was moved off the waitlist for', many: 'were moved off the waitlist for' },
  coordinator_published: { one: 'published', many: 'published' },
  coordinator_updated: { one: 'updated', many: 'updated' },
  coordinator_added_signup: { one: 'added a signup to', many: 'added signups to', across: 'added signups to' },
  coordinator_removed_signup: { one: 'removed a signup from', many: 'removed signups from', across: 'removed signups from' },
  coordinator_sent_update: { one: 'sent an update about', many: 'sent updates about', across: 'sent updates about' },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "today", "yesterday" or "on 21 Nov" (with the year when it is not this year's). */
export function whenPhrase(day: string, today: string): string {
  if (day === today) return 'today';
  const d = Date.parse(`${day}T00:00:00Z`);
  const t = Date.parse(`${today}T00:00:00Z`);
  if (t - d === 24 * 3600 * 1000) return 'yesterday';
  const [y, m, dd] = day.split('-');
  const year = y === today.slice(0, 4) ? '' : ` ${y}`;
  return `on ${Number(dd)} ${MONTHS[Number(m) - 1] ?? m}${year}`;
}

function plural(type: string, n: number): string {
  return `${n} ${type.replace(/_/g, ' ')}s`;
}

function distinct<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const x of xs) if (!seen.has(key(x))) seen.set(key(x), x);
  return [...seen.values()];
}

/** A person's name as it sits in a sentence: isolated, except the app's own "You". */
function nameOf(a: Activity): string {
  return a.actor.id === COORDINATOR_ACTOR.id ? a.actor.name : isolate(a.actor.name);
}

/**
 * One human sentence for an aggregation, from all its activities (newest first). Actor
 * aggregations read "Maria Lopez signed up for 3 events today"; object aggregations
 * "12 people commented on Beach Cleanup today". Each person's name is isolated (see `isolate`).
 */
export function sentenceFor(kind: 'actor' | 'object', verb: FeedVerb, day: string, today: string, activities: readonly Activity[]): string {
  const first = activities[0];
  if (!first) return '';
  const when = whenPhrase(day, today);
  const phrase = PHRASES[verb] ?? { one: verb.replace(/_/g, ' '), many: verb.replace(/_/g, ' ') };
  const times = activities.length > 1 ? ` ${activities.length} times` : '';
  const people = distinct(activities, (a) => a.actor.id);
  const objects = distinct(activities, (a) => `${a.object.type}:${a.object.id}`);
  if (people.length === 1 && objects.length === 1) return `${nameOf(first)} ${phrase.one} ${first.object.title}${times} ${when}`;
  if (kind === 'actor') {
    const types = new Set(objects.map((a) => a.object.type));
    const what = types.size === 1 ? plural(first.object.type, objects.length) : `${objects.length} things`;
    return `${nameOf(first)} ${phrase.across ?? phrase.one} ${what} ${when}`;
  }
  if (people.length === 2) return `${nameOf(people[0]!)} and ${nameOf(people[1]!)} ${phrase.many} ${first.object.title} ${when}`;
  return `${people.length} people ${phrase.many} ${first.object.title} ${when}`;
}
