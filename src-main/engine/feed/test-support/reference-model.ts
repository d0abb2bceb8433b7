import type { Redis } from 'ioredis';
import type { Activity } from '../../../contract/feed';
import type { Keys } from '../../keys';
import { placementOf } from '../aggregation';

/** Scored members, highest first (ties: member descending, as Redis orders them). */
export type Ranked = [member: string, score: number][];

/** Everything the feed keeps in Redis that has a meaning (no tombstones or edge stamps). */
export interface FeedState {
  feeds: Record<string, Ranked>;
  aggs: Record<string, Ranked>;
  refs: Record<string, string[]>;
  indexes: Record<string, Ranked>;
  follows: Record<string, string[]>;
  followers: Record<string, string[]>;
}

function rank(entries: Iterable<[string, number]>): Ranked {
  return [...entries].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? 1 : x[0] > y[0] ? -1 : 0));
}

/**
 * The feed as plain sets: which activities were added and deleted, and the latest stamp of each
 * follow edge. Its `expected` state is what the gear must hold, whatever the order or repetition
 * of the operations that led there.
 */
export class ReferenceModel {
  private readonly added = new Map<string, Activity>();
  private readonly deleted = new Set<string>();
  private readonly edges = new Map<string, { at: number; follow: boolean }>();
  private horizon = 0;

  constructor(
    private readonly maxSize: number,
    private readonly timeZone = 'UTC',
  ) {}

  add(a: Activity): void {
    if (!this.added.has(a.id)) this.added.set(a.id, a);
  }

  delete(id: string): void {
    this.deleted.add(id);
  }

  prune(horizon: number): void {
    this.horizon = Math.max(this.horizon, horizon);
  }

  follow(user: string, subject: string, at: number, follow: boolean): void {
    const key = `${user}\n${subject}`;
    const cur = this.edges.get(key);
    if (cur && (cur.at > at || (cur.at === at && (cur.follow === follow || !cur.follow)))) return;
    this.edges.set(key, { at, follow });
  }

  expected(): FeedState {
    const aggs = new Map<string, Map<string, number>>();
    const indexes = new Map<string, Map<string, number>>();
    const feedSources = new Map<string, Set<string>>();
    const addTo = (map: Map<string, Map<string, number>>, key: string, member: string, score: number) => {
      let m = map.get(key);
      if (!m) map.set(key, (m = new Map()));
      m.set(member, Math.max(m.get(member) ?? -Infinity, score));
    };
    const source = (feed: string, subject: string) => {
      let s = feedSources.get(feed);
      if (!s) feedSources.set(feed, (s = new Set()));
      s.add(subject);
    };
    for (const a of this.added.values()) {
      if (this.deleted.has(a.id) || a.time < this.horizon) continue;
      const p = placementOf(a, this.timeZone);
      addTo(aggs, p.actorAgg, a.id, a.time);
      addTo(aggs, p.objectAgg, a.id, a.time);
      addTo(indexes, p.actorSubject, p.actorAgg, a.time);
      addTo(indexes, p.objectSubject, p.objectAgg, a.time);
      addTo(indexes, 'all', p.orgKind === 'actor' ? p.actorAgg : p.objectAgg, a.time);
      source('org', 'all');
      source(p.actorFeed, p.actorSubject);
      if (p.objectFeed) source(p.objectFeed, p.objectSubject);
    }
    const follows = new Map<string, Set<string>>();
    const followers = new Map<string, Set<string>>();
    for (const [key, e] of this.edges) {
      if (!e.follow) continue;
      const [user, subject] = key.split('\n') as [string, string];
      if (!follows.has(user)) follows.set(user, new Set());
      follows.get(user)!.add(subject);
      if (!followers.has(subject)) followers.set(subject, new Set());
      followers.get(subject)!.add(user);
      source(`following:${user}`, subject);
    }
    const feeds: Record<string, Ranked> = {};
    const refs: Record<string, string[]> = {};
    for (const [feed, subjects] of feedSources) {
      const entries: [string, number][] = [];
      for (const s of subjects) entries.push(...(indexes.get(s) ?? new Map()));
      const top = rank(entries).slice(0, this.maxSize);
      if (top.length === 0) continue;
      feeds[feed] = top;
      for (const [agg] of top) (refs[agg] ??= []).push(feed);
    }
    const sortedSets = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
    return {
      feeds,
      aggs: Object.fromEntries([...aggs].map(([k, v]) => [k, rank(v)])),
      refs: Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, v.sort()])),
      indexes: Object.fromEntries([...indexes].map(([k, v]) => [k, rank(v)])),
      follows: sortedSets(follows),
      followers: sortedSets(followers),
    };
  }
}

/** Reads the feed's state back from Redis, in the model's shape. */
export async function readFeedState(redis: Redis, keys: Keys): Promise<FeedState> {
  const state: FeedState = { feeds: {}, aggs: {}, refs: {}, indexes: {}, follows: {}, followers: {} };
  const prefix = keys.feedPrefix;
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  const zset = async (key: string): Promise<Ranked> => {
    const flat = await redis.zrange(key, '0', '-1', 'REV', 'WITHSCORES');
    const out: Ranked = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, Number(flat[i + 1])]);
    return out;
  };
  const set = async (key: string) => (await redis.smembers(key)).sort();
  for (const key of found) {
    const rest = key.slice(prefix.length);
    const colon = rest.indexOf(':');
    const kind = rest.slice(0, colon);
    const id = rest.slice(colon + 1);
    if (kind === 'f') state.feeds[id] = await zset(key);
    else if (kind === 'agg') state.aggs[id] = await zset(key);
    else if (kind === 'idx') state.indexes[id] = await zset(key);
    else if (kind === 'refs') state.refs[id] = await set(key);
    else if (kind === 'follows') state.follows[id] = await set(key);
    else if (kind === 'followers') state.followers[id] = await set(key);
  }
  return state;
}

/**
 * Structural checks that hold whatever happened: no aggregation without activities or outside
 * every index (orphaned), references equal to feed membership, no feed above its size.
 */
export function invariantProblems(s: FeedState, maxSize: number): string[] {
  const problems: string[] = [];
  const indexed = new Set<string>();
  for (const members of Object.values(s.indexes)) for (const [agg] of members) indexed.add(agg);
  for (const [agg, members] of Object.entries(s.aggs)) {
    if (members.length === 0) problems.push(`empty aggregation ${agg}`);
    if (!indexed.has(agg)) problems.push(`orphaned aggregation ${agg}`);
  }
  for (const agg of indexed) if (!s.aggs[agg]) problems.push(`index names missing aggregation ${agg}`);
  const holders = new Map<string, string[]>();
  for (const [feed, members] of Object.entries(s.feeds)) {
    if (members.length > maxSize) problems.push(`feed ${feed} holds ${members.length} > ${maxSize}`);
    for (const [agg] of members) {
      if (!s.aggs[agg]) problems.push(`feed ${feed} names missing aggregation ${agg}`);
      holders.set(agg, [...(holders.get(agg) ?? []), feed]);
    }
  }
  for (const [agg, feeds] of Object.entries(s.refs)) {
    const actual = (holders.get(agg) ?? []).sort();
    if (feeds.length === 0 || actual.join(',') !== feeds.join(',')) {
      problems.push(`references of ${agg}: counted ${feeds.length} [${feeds.join(',')}], held by ${actual.length} [${actual.join(',')}]`);
    }
  }
  for (const agg of holders.keys()) if (!s.refs[agg]) problems.push(`aggregation ${agg} held but has no references`);
  return problems;
}
