import type { Redis } from 'ioredis';
import type { Activity } from '../../contract/feed';
import { GearVersionError, type Gears } from '../gears/loader';
import type { Keys } from '../keys';
import { placementOf, subjectOfTarget } from './aggregation';

const LIB = 'vt_feed';

export interface FeedGearOptions {
  /** Items a feed keeps. Changing it takes effect for all feeds after a rebuild. */
  maxSize: number;
  /**
   * The coordinator's IANA time zone, read at every fan-out: aggregations group by its local
   * day. When it changes, the feed module rebuilds so older activities follow.
   */
  timeZone: () => string;
}

export interface AddResult {
  applied: number;
  /** Feed entries written (placed, re-scored or trimmed away). */
  feedWrites: number;
  /** Users whose following feed changed. */
  followingUsers: string[];
}

/**
 * Typed calls into gears/feed.lua. Each call is one atomic, idempotent Function call; a batch
 * of activities is one pipeline of such calls (one per activity).
 */
export class FeedGear {
  constructor(
    private readonly redis: Redis,
    private readonly gears: Gears,
    private readonly keys: Keys,
    readonly options: FeedGearOptions,
  ) {}

  private base(): [string, number] {
    return [this.keys.feedPrefix, this.options.maxSize];
  }

  private addArgs(a: Activity, timeZone: string): (string | number)[] {
    const p = placementOf(a, timeZone);
    return [...this.base(), a.id, a.time, p.actorAgg, p.objectAgg, p.actorSubject, p.objectSubject, p.actorFeed, p.objectFeed, p.orgKind === 'actor' ? 'a' : 'o'];
  }

  /** Fans out a batch of activities (one Function call each, pipelined). */
  async addMany(activities: readonly Activity[]): Promise<AddResult> {
    const total: AddResult = { applied: 0, feedWrites: 0, followingUsers: [] };
    if (activities.length === 0) return total;
    // One zone for the whole batch, so a batch never straddles a change of zone.
    const zone = this.options.timeZone();
    const run = async () => {
      const p = this.redis.pipeline();
      for (const a of activities) p.call(...this.gears.args('vt_feed_add', [], this.addArgs(a, zone)));
      return (await p.exec()) ?? [];
    };
    let results = await run();
    if (results.some(([err]) => err && /Function not found/i.test(err.message))) {
      // Redis lost its functions (an external Redis was flushed); every call is idempotent.
      await this.gears.load();
      results = await run();
    }
    const users = new Set<string>();
    for (const [err, value] of results) {
      if (err && err.message.includes('VT_GEAR_VERSION')) {
        throw new GearVersionError(`Redis holds a different build of gear library "${LIB}" (${err.message}). Run the same Voluntree version everywhere.`);
      }
      if (err) throw err;
      const [applied, writes, ...followers] = value as [number, number, ...string[]];
      total.applied += applied;
      total.feedWrites += writes;
      for (const u of followers) users.add(u);
    }
    total.followingUsers = [...users];
    return total;
  }

  async add(activity: Activity): Promise<AddResult> {
    return this.addMany([activity]);
  }

  /**
   * Deletes an activity everywhere. `time` (the activity's, when known) lets a later prune
   * forget the tombstone. Returns whether it was live, and the feeds that changed.
   */
  async delete(activityId: string, time?: number): Promise<{ deleted: boolean; feeds: string[] }> {
    const [deleted, ...feeds] = await this.gears.call('vt_feed_delete', [], [...this.base(), activityId, time ?? '']);
    return { deleted: deleted === 1, feeds: [...new Set(feeds)] };
  }

  /**
   * Forgets every activity (and tombstone) older than `horizon`, in bounded steps; adds older
   * than the horizon are refused from then on. The horizon only moves forward.
   */
  async prune(horizon: number, step = 1000): Promise<number> {
    let forgotten = 0;
    for (;;) {
      const [n, remaining] = await this.gears.call('vt_feed_prune', [], [...this.base(), Math.trunc(horizon), step]);
      forgotten += n;
      if (remaining === 0 || n === 0) return forgotten;
    }
  }

  /**
   * Records a follow (`follow: true`) or unfollow of `target` (`volunteer:<id>` / `event:<id>`)
   * by `userId`, stamped `at`: the latest stamp per edge wins.
   */
  async follow(userId: string, target: string, at: number, follow: boolean): Promise<{ applied: boolean; following: boolean; feedWrites: number }> {
    const [applied, following, writes] = await this.gears.call('vt_feed_follow', [], [
      ...this.base(),
      userId,
      subjectOfTarget(target),
      Math.trunc(at),
      follow ? 'f' : 'u',
    ]);
    return { applied: applied === 1, following: following === 1, feedWrites: writes };
  }

  /**
   * Deletes activities everywhere and leaves no tombstone (privacy erasure; see vt_feed_purge).
   * Returns how many were known to Redis and the feeds that changed.
   */
  async purge(activityIds: readonly string[]): Promise<{ purged: number; feeds: string[] }> {
    if (activityIds.length === 0) return { purged: 0, feeds: [] };
    const [purged, ...feeds] = await this.gears.call('vt_feed_purge', [], [...this.base(), ...activityIds]);
    return { purged, feeds: [...new Set(feeds)] };
  }

  /**
   * Removes every follow edge to `target` (`volunteer:<id>`) of its followers and of `users`,
   * stamps included, re-materialising their following feeds. Returns the users whose feed changed.
   */
  async forget(target: string, users: readonly string[]): Promise<string[]> {
    return this.gears.call('vt_feed_forget', [], [...this.base(), subjectOfTarget(target), ...users]);
  }

  /** Re-materialises feeds from the indexes (after the maximum size changed). */
  async materialize(feedIds: readonly string[]): Promise<number> {
    if (feedIds.length === 0) return 0;
    return this.gears.call('vt_feed_materialize', [], [...this.base(), ...feedIds]);
  }

  /** Deletes every feed key (before a rebuild). */
  async wipe(): Promise<number> {
    let cursor = '0';
    let removed = 0;
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${escapeGlob(this.keys.feedPrefix)}*`, 'COUNT', 1000);
      cursor = next;
      if (batch.length) removed += await this.redis.unlink(...batch);
    } while (cursor !== '0');
    return removed;
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
