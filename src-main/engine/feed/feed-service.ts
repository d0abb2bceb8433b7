import type { Redis } from 'ioredis';
import { activitySchema, type Activity, type FeedItem, type FeedPage } from '../../contract/feed';
import { RpcError } from '../../contract/errors';
import type { Clock } from '../clock';
import type { Keys } from '../keys';
import type { LiveBus } from '../live';
import type { Logger } from '../log';
import { COORDINATOR, dayOf, feedIdOf, parseAgg, placementOf, startOfDay } from './aggregation';
import type { ActivityStore } from './activity-store';
import type { FeedGear } from './feed-gear';
import { Gate } from './gate';
import { sentenceFor } from './sentences';

/** Activities an item lists; the sentence still counts all of them. */
const ITEM_ACTIVITIES = 50;
const DAY_MS = 24 * 3600 * 1000;
/** Activities per pipelined batch during a rebuild. */
const REBUILD_BATCH = 1000;

export interface FeedServiceDeps {
  redis: Redis;
  keys: Keys;
  gear: FeedGear;
  activities: ActivityStore;
  clock: Clock;
  live: LiveBus;
  log: Logger;
  /** Days of activity the feeds keep; older activity is forgotten in Redis (lowdb keeps it). */
  retentionDays: number;
}

export interface RecordResult {
  /** New to the store of record. */
  stored: number;
  /** Newly fanned out (0 for repeats). */
  applied: number;
  feedWrites: number;
  /** Malformed activities left out (each is logged). */
  rejected: number;
}

/**
 * The activity feed: records activities (store of record first, then fan-out), reads feeds as
 * aggregated items with sentences, follows, deletes and rebuilds. Every write is safe to retry.
 */
export class FeedService {
  private readonly gate = new Gate();

  constructor(private readonly d: FeedServiceDeps) {}

  /**
   * Records activities from the pipeline: one lowdb write for the batch, then one gear call per
   * activity (pipelined). Retrying the same batch stores and fans out nothing new, and re-runs
   * the fan-out of stored activities, which repairs a crash between the two steps.
   */
  async record(input: readonly Activity[]): Promise<RecordResult> {
    const activities: Activity[] = [];
    let rejected = 0;
    for (const item of input) {
      const parsed = activitySchema.safeParse(item);
      if (parsed.success) activities.push(parsed.data);
      else {
        // One malformed activity must not cost the batch its other activities.
        rejected += 1;
        this.d.log.warn('feed ignored a malformed activity', { id: (item as { id?: unknown }).id, problem: parsed.error.issues[0]?.message });
      }
    }
    return this.gate.shared(async () => {
      const stored = await this.d.activities.append(activities);
      // The stored version is the one that counts (the first seen); deleted ones stay deleted.
      const live = unique(activities.map((a) => this.d.activities.get(a.id)!)).filter((a) => a.deletedAt === undefined);
      const r = await this.d.gear.addMany(live);
      if (r.applied > 0) {
        const feeds = new Set<string>(['org']);
        for (const a of live) {
          const p = placementOf(a);
          feeds.add(p.actorFeed);
          if (p.objectFeed) feeds.add(p.objectFeed);
        }
        if (r.followingUsers.includes(COORDINATOR)) feeds.add('following');
        await this.publish([...feeds]);
      }
      return { stored, applied: r.applied, feedWrites: r.feedWrites, rejected };
    });
  }

  /** A feed's newest aggregated items. */
  async get(feed: string, limit: number): Promise<FeedPage> {
    const key = this.d.keys.feed(feedIdOf(feed));
    const aggs = await this.d.redis.zrange(key, '0', String(limit - 1), 'REV');
    if (aggs.length === 0) return { feed, items: [] };
    const p = this.d.redis.pipeline();
    for (const agg of aggs) p.zrange(this.d.keys.feedAgg(agg), '0', '-1', 'REV');
    const members = (await p.exec()) ?? [];
    const today = dayOf(this.d.clock.now(), this.d.gear.options.timeZone());
    const items: FeedItem[] = [];
    aggs.forEach((agg, i) => {
      const parsed = parseAgg(agg);
      const [err, ids] = members[i] ?? [null, []];
      if (!parsed || err) return;
      const acts = (ids as string[]).map((id) => this.d.activities.get(id)).filter((a): a is Activity => a !== undefined);
      if (acts.length === 0) return;
      items.push({
        id: agg,
        kind: parsed.kind,
        verb: parsed.verb,
        day: parsed.day,
        sentence: sentenceFor(parsed.kind, parsed.verb, parsed.day, today, acts),
        time: acts[0]!.time,
        count: acts.length,
        activities: acts.slice(0, ITEM_ACTIVITIES).map(plain),
      });
    });
    return { feed, items };
  }

  /** Follows (or unfollows) a volunteer or event for the coordinator; the latest `at` wins. */
  async follow(target: string, follow: boolean, at = this.d.clock.now()): Promise<{ following: boolean; changed: boolean }> {
    return this.gate.shared(async () => {
      await this.d.activities.setFollow({ user: COORDINATOR, target, at, follow });
      const r = await this.d.gear.follow(COORDINATOR, target, at, follow);
      if (r.feedWrites > 0) await this.publish(['following']);
      return { following: r.following, changed: r.applied };
    });
  }

  following(): { targets: string[] } {
    return { targets: this.d.activities.follows().filter((f) => f.user === COORDINATOR && f.follow).map((f) => f.target) };
  }

  /** Deletes an activity from every feed; the record stays in the store, marked deleted. */
  async delete(activityId: string): Promise<{ deleted: boolean }> {
    return this.gate.shared(async () => {
      const known = this.d.activities.get(activityId);
      if (!known) throw new RpcError('not_found', `No activity ${activityId} is recorded; check the id in the feed.`);
      const wasLive = known.deletedAt === undefined;
      await this.d.activities.markDeleted(activityId, this.d.clock.now());
      const r = await this.d.gear.delete(activityId, known.time);
      const feeds = shownFeeds(r.feeds);
      if (feeds.length > 0) await this.publish(feeds);
      return { deleted: wasLive || r.deleted };
    });
  }

  /**
   * Deletes, from every feed, the activities a reference names (see ActivityStore.withRef):
   * `signed_up:<signupId>` takes every "signed up" of one signup, whatever time its id carries.
   * The pipeline takes back what an undone signup or comment caused this way, since it cannot
   * rebuild ids that hold the time they were recorded at. Safe to repeat: already deleted
   * activities count for nothing but still reach the gear, so a crash between the store and
   * Redis is repaired by the next call. An unknown reference deletes nothing.
   */
  async deleteByRef(reference: string): Promise<{ deleted: number }> {
    return this.gate.shared(async () => {
      const named = this.d.activities.withRef(reference);
      if (named.length === 0) return { deleted: 0 };
      const wasLive = new Set(named.filter((a) => a.deletedAt === undefined).map((a) => a.id));
      await this.d.activities.markAllDeleted(named, this.d.clock.now());
      let deleted = 0;
      const feeds = new Set<string>();
      for (const a of named) {
        const r = await this.d.gear.delete(a.id, a.time);
        if (wasLive.has(a.id) || r.deleted) deleted += 1;
        for (const f of shownFeeds(r.feeds)) feeds.add(f);
      }
      if (feeds.size > 0) await this.publish([...feeds]);
      return { deleted };
    });
  }

  /**
   * Forgets people (a privacy request): their activities leave every feed through the gear's
   * delete path, so aggregations and counts stay consistent ("Maria and 2 others" becomes
   * "2 people"), and then leave Redis and the store of record without a tombstone; every
   * follow of them goes too. Safe to repeat: Redis is cleared before the store, so an
   * interrupted call is finished by the next.
   */
  async forgetActors(actorIds: readonly string[]): Promise<{ activities: number }> {
    const ids = new Set(actorIds.filter((id) => id !== COORDINATOR));
    if (ids.size === 0) return { activities: 0 };
    return this.gate.shared(async () => {
      const theirs = this.d.activities.all().filter((a) => ids.has(a.actor.id)).map((a) => a.id);
      const feeds = new Set<string>();
      for (let i = 0; i < theirs.length; i += REBUILD_BATCH) {
        const r = await this.d.gear.purge(theirs.slice(i, i + REBUILD_BATCH));
        for (const f of r.feeds) if (!f.startsWith('following:') || f === `following:${COORDINATOR}`) feeds.add(f.startsWith('following:') ? 'following' : f);
      }
      const users = [...new Set([COORDINATOR, ...this.d.activities.follows().map((f) => f.user)])];
      for (const id of ids) {
        if ((await this.d.gear.forget(`volunteer:${id}`, users)).includes(COORDINATOR)) feeds.add('following');
      }
      const removed = await this.d.activities.erase(ids);
      if (feeds.size > 0) await this.publish([...feeds]);
      return { activities: removed.length };
    });
  }

  /**
   * Regenerates every feed from the store of record: wipes the feed keys, replays follows,
   * fans out every live activity and leaves tombstones for deleted ones. Other feed writes
   * wait meanwhile.
   */
  async rebuild(): Promise<{ activities: number; follows: number; tookMs: number }> {
    return this.gate.exclusive(async () => {
      const started = Date.now();
      // The zone the feeds are built for, recorded in `meta`; a later change is caught by upToDate.
      const timeZone = this.d.gear.options.timeZone();
      await this.d.gear.wipe();
      const horizon = this.horizon();
      await this.d.gear.prune(horizon);
      const follows = this.d.activities.follows();
      for (const f of follows) await this.d.gear.follow(f.user, f.target, f.at, f.follow);
      const recent = this.d.activities.all().filter((a) => a.time >= horizon);
      const live = recent.filter((a) => a.deletedAt === undefined);
      for (let i = 0; i < live.length; i += REBUILD_BATCH) await this.d.gear.addMany(live.slice(i, i + REBUILD_BATCH));
      for (const a of recent) if (a.deletedAt !== undefined) await this.d.gear.delete(a.id, a.time);
      await this.writeMeta(timeZone);
      await this.publish(['org', 'following']);
      const tookMs = Date.now() - started;
      this.d.log.info('feeds rebuilt', { activities: live.length, follows: follows.length, tookMs });
      return { activities: live.length, follows: follows.length, tookMs };
    });
  }

  /**
   * Forgets activity older than the retention period in Redis (the start of the local day
   * `retentionDays` ago), so Redis stays bounded; feeds refill from what remains.
   */
  async prune(): Promise<number> {
    return this.gate.shared(async () => {
      const n = await this.d.gear.prune(this.horizon());
      if (n > 0) await this.publish(['org', 'following']);
      return n;
    });
  }

  /** The start of the coordinator's day `retentionDays` ago, in ms. */
  horizon(): number {
    const zone = this.d.gear.options.timeZone();
    return startOfDay(dayOf(this.d.clock.now() - this.d.retentionDays * DAY_MS, zone), zone);
  }

  /**
   * Whether Redis holds feeds built for the current settings: false after Redis lost its data
   * or when the maximum size or the coordinator's time zone changed since the last build
   * (feeds built before days followed the time zone have no `timeZone` and are rebuilt once).
   */
  async upToDate(): Promise<boolean> {
    const meta = await this.d.redis.hgetall(this.d.keys.feedMeta);
    return meta.maxSize === String(this.d.gear.options.maxSize) && meta.timeZone === this.d.gear.options.timeZone();
  }

  /** Records that Redis holds feeds for the current settings (a fresh install has nothing to build). */
  async markBuilt(): Promise<void> {
    await this.writeMeta(this.d.gear.options.timeZone());
  }

  private async writeMeta(timeZone: string): Promise<void> {
    const meta = this.d.keys.feedMeta;
    await this.d.redis.multi().hset(meta, 'maxSize', String(this.d.gear.options.maxSize), 'timeZone', timeZone).hdel(meta, 'utcOffsetMinutes').exec();
  }

  private async publish(feeds: string[]): Promise<void> {
    try {
      await this.d.live.publish('feed.updated', { feeds });
    } catch (err) {
      // The feed is written; a missed live event only delays the coordinator's refresh.
      this.d.log.warn('could not publish feed.updated', { err });
    }
  }
}

/** The feed names a window shows, of the feeds a gear call changed (only the coordinator's `following`). */
function shownFeeds(changed: readonly string[]): string[] {
  return changed.filter((f) => !f.startsWith('following:') || f === `following:${COORDINATOR}`).map((f) => (f.startsWith('following:') ? 'following' : f));
}

function unique<T extends Activity>(xs: T[]): T[] {
  return [...new Map(xs.map((a) => [a.id, a])).values()];
}

function plain(a: Activity & { deletedAt?: number }): Activity {
  return { id: a.id, actor: a.actor, verb: a.verb, object: a.object, time: a.time };
}
