import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../contract';
import type { HealthReport } from '../../contract/system';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { ManualClock } from '../clock';
import { preparedGears } from '../gears/libraries';
import { Gears } from '../gears/loader';
import { LiveBus } from '../live';
import { memoryLogger } from '../log';
import type { EngineContext, EngineRole } from '../module';
import { QueueFactory } from '../queues/factory';
import { parseRedisUrl } from '../redis/endpoint';
import { Store } from '../store/store';
import { createFeedModule, type FeedModule, type FeedOptions } from './feed-module';
import { act, DAY, T0 } from './test-support/fixtures';
import { readFeedState, ReferenceModel } from './test-support/reference-model';
import { isolate } from '../bidi';

describe('feed module', () => {
  let t: TestRedis;
  let dir: string;
  let sub: Redis;
  let live: LiveBus;
  let received: LiveMessage[];
  const clock = new ManualClock(T0 + 3600_000);
  const started: FeedModule[] = [];

  const context = async (role: EngineRole = 'app'): Promise<EngineContext> => {
    const log = memoryLogger();
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    const endpoint = parseRedisUrl(t.url);
    return {
      role,
      log,
      clock,
      keys: t.keys,
      redis: t.redis,
      redisEndpoint: endpoint,
      gears,
      store: role === 'app' ? new Store(dir, log) : null,
      live,
      queues: new QueueFactory(endpoint, t.keys.bullPrefix, log),
      dataDir: dir,
    };
  };
  // Tests read "today" in UTC unless they say otherwise, whatever zone the machine is in.
  const startModule = async (options: FeedOptions = {}, role: EngineRole = 'app') => {
    const m = createFeedModule(await context(role), { timeZone: () => 'UTC', ...options });
    await m.start?.();
    started.push(m);
    return m;
  };

  beforeEach(async () => {
    t = await testRedis();
    dir = await mkdtemp(path.join(os.tmpdir(), 'vt-feed-'));
    sub = new Redis(t.url);
    received = [];
    live = new LiveBus(t.redis, sub, t.keys.liveChannel, clock, memoryLogger());
    await live.start();
    live.on((m) => received.push(m));
  });
  afterEach(async () => {
    for (const m of started.splice(0)) await m.stop?.();
    await live.stop();
    sub.disconnect();
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10));
  };

  it('records a batch once, reads it back as sentences and says which feeds changed', async () => {
    const m = await startModule();
    const batch = [
      act('1', 'maria', 'signed_up', 'beach', T0),
      act('2', 'maria', 'signed_up', 'park', T0 + 1000),
      act('3', 'maria', 'signed_up', 'food', T0 + 2000),
      act('4', 'sam', 'commented', 'beach', T0 + 3000),
      act('5', 'ana', 'commented', 'beach', T0 + 4000),
      act('6', 'joe', 'commented', 'beach', T0 + 5000),
    ];
    expect(await m.record([...batch, batch[0]!])).toMatchObject({ stored: 6, applied: 6 });
    expect(await m.record(batch)).toMatchObject({ stored: 0, applied: 0 });
    const profile = await m.handlers!['feed.get']!({ feed: 'volunteer:maria', limit: 10 }, { via: 'internal' });
    expect(profile.items.map((i) => i.sentence)).toEqual([`${isolate('Maria Lopez')} signed up for 3 events today`]);
    expect(profile.items[0]!.activities.map((a) => a.id)).toEqual(['3', '2', '1']);
    const event = await m.handlers!['feed.get']!({ feed: 'event:beach', limit: 10 }, { via: 'internal' });
    expect(event.items.map((i) => [i.sentence, i.count])).toEqual([
      ['3 people commented on Beach Cleanup today', 3],
      [`${isolate('Maria Lopez')} signed up for Beach Cleanup today`, 1],
    ]);
    const org = await m.handlers!['feed.get']!({ feed: 'org', limit: 2 }, { via: 'internal' });
    expect(org.items).toHaveLength(2);
    await until(() => received.length > 0);
    expect(received).toHaveLength(1);
    const feeds = received[0]!.event === 'feed.updated' ? received[0]!.payload.feeds : [];
    expect(feeds).toEqual(expect.arrayContaining(['org', 'volunteer:maria', 'event:beach', 'event:park']));
  });

  it('leaves out malformed activities and records the rest of the batch', async () => {
    const m = await startModule();
    const badVerb = { ...act('x', 'maria', 'signed_up', 'beach', T0), verb: 'liked' } as unknown as ReturnType<typeof act>;
    const badActor = act('y', '', 'signed_up', 'beach', T0);
    expect(await m.record([act('ok', 'sam', 'asked', 'beach', T0), badVerb, badActor])).toMatchObject({ stored: 1, applied: 1, rejected: 2 });
    const org = await m.handlers!['feed.get']!({ feed: 'org', limit: 10 }, { via: 'internal' });
    expect(org.items.map((i) => i.sentence)).toEqual([`${isolate('Sam Lee')} asked about Beach Cleanup today`]);
  });

  it('follows and unfollows for the coordinator, remembering the latest choice', async () => {
    const m = await startModule();
    await m.record([act('1', 'maria', 'signed_up', 'beach', T0), act('2', 'sam', 'asked', 'park', T0 + 1)]);
    const h = m.handlers!;
    expect(await h['feed.follow']!({ target: 'volunteer:maria' }, { via: 'internal' })).toEqual({ following: true, changed: true });
    expect(await h['feed.follow']!({ target: 'event:park' }, { via: 'internal' })).toEqual({ following: true, changed: true });
    const following = await h['feed.get']!({ feed: 'following', limit: 10 }, { via: 'internal' });
    expect(following.items.map((i) => i.sentence)).toEqual([`${isolate('Sam Lee')} asked about Park Planting today`, `${isolate('Maria Lopez')} signed up for Beach Cleanup today`]);
    clock.advance(1000);
    await h['feed.unfollow']!({ target: 'event:park' }, { via: 'internal' });
    expect(await h['feed.following']!({}, { via: 'internal' })).toEqual({ targets: ['volunteer:maria'] });
    expect((await h['feed.get']!({ feed: 'following', limit: 10 }, { via: 'internal' })).items).toHaveLength(1);
    // A delayed retry of the old follow changes nothing.
    expect(await h['feed.follow']!({ target: 'event:park', at: T0 + 3600_000 }, { via: 'internal' })).toEqual({ following: false, changed: false });
  });

  it('deletes an activity everywhere; unknown ids are a clear error; a retry of its record does not revive it', async () => {
    const m = await startModule();
    await m.record([act('1', 'maria', 'commented', 'beach', T0), act('2', 'sam', 'commented', 'beach', T0 + 1)]);
    const h = m.handlers!;
    expect(await h['feed.delete']!({ activityId: '2' }, { via: 'internal' })).toEqual({ deleted: true });
    expect(await h['feed.delete']!({ activityId: '2' }, { via: 'internal' })).toEqual({ deleted: false });
    await expect(h['feed.delete']!({ activityId: 'nope' }, { via: 'internal' })).rejects.toMatchObject({ code: 'not_found' });
    await m.record([act('2', 'sam', 'commented', 'beach', T0 + 1)]);
    const event = await h['feed.get']!({ feed: 'event:beach', limit: 10 }, { via: 'internal' });
    expect(event.items.map((i) => i.sentence)).toEqual([`${isolate('Maria Lopez')} commented on Beach Cleanup today`]);
    expect(await t.redis.exists(t.keys.feed('volunteer:sam'))).toBe(0);
  });

  it('deletes by reference every activity an id names with any time after it, once, and after a restart', async () => {
    const m = await startModule();
    await m.record([
      act('signed_up:s_1:100', 'maria', 'signed_up', 'beach', T0),
      act('signed_up:s_1:200', 'maria', 'signed_up', 'park', T0 + 1),
      // Same start, another signup: a reference ends at a colon, so this one stays.
      act('signed_up:s_10:300', 'sam', 'signed_up', 'beach', T0 + 2),
      act('commented:c1', 'ana', 'commented', 'beach', T0 + 3),
    ]);
    const sentences = async (feed: string) => (await m.service().get(feed, 10)).items.map((i) => i.sentence);
    received.length = 0;
    expect(await m.service().deleteByRef('signed_up:s_1')).toEqual({ deleted: 2 });
    expect(await sentences('volunteer:maria')).toEqual([]);
    expect((await sentences('org')).sort()).toEqual([`${isolate('Ana Diaz')} commented on Beach Cleanup today`, `${isolate('Sam Lee')} signed up for Beach Cleanup today`].sort());
    await until(() => received.some((r) => r.event === 'feed.updated'));
    expect(received.find((r) => r.event === 'feed.updated')?.payload).toMatchObject({ feeds: expect.arrayContaining(['org', 'volunteer:maria']) });
    // Repeated (a retried batch), unknown, or an exact id: the same path, idempotent.
    expect(await m.service().deleteByRef('signed_up:s_1')).toEqual({ deleted: 0 });
    expect(await m.service().deleteByRef('signed_up:nobody')).toEqual({ deleted: 0 });
    expect(await m.service().deleteByRef('commented:c1')).toEqual({ deleted: 1 });
    // The index is rebuilt from activities.json, and the marks survive a rebuild.
    await m.stop?.();
    const again = await startModule();
    await again.service().rebuild();
    expect(await again.service().deleteByRef('signed_up:s_10')).toEqual({ deleted: 1 });
    expect((await again.service().get('org', 10)).items).toEqual([]);
    expect(await again.record([act('signed_up:s_1:100', 'maria', 'signed_up', 'beach', T0)])).toMatchObject({ applied: 0 });
  });

  it('rebuilds every feed from lowdb after Redis lost them, and for a new maximum size', async () => {
    const first = await startModule({ maxSize: 3 });
    const model3 = new ReferenceModel(3);
    const model2 = new ReferenceModel(2);
    const acts = Array.from({ length: 12 }, (_, i) => act(`a${i}`, ['maria', 'sam', 'ana'][i % 3]!, i % 2 ? 'commented' : 'signed_up', ['beach', 'park', 'food', 'x'][i % 4]!, T0 + (i % 3) * DAY + i));
    await first.record(acts);
    await first.handlers!['feed.follow']!({ target: 'volunteer:sam', at: 5 }, { via: 'internal' });
    await first.handlers!['feed.delete']!({ activityId: 'a4' }, { via: 'internal' });
    for (const m of [model3, model2]) {
      for (const a of acts) m.add(a);
      m.follow('coordinator', 'actor:sam', 5, true);
      m.delete('a4');
    }
    const before = await readFeedState(t.redis, t.keys);
    expect(before).toEqual(model3.expected());
    await first.stop?.();

    // Redis lost everything of the feed: the next start rebuilds it.
    const keys = await t.redis.keys(`${t.keys.feedPrefix}*`);
    await t.redis.del(...keys);
    const second = await startModule({ maxSize: 3 });
    // Feed writes wait for the rebuild; the delete survived it, so a late retry does nothing.
    expect((await second.record([acts[4]!])).applied).toBe(0);
    await second.stop?.();
    expect(await readFeedState(t.redis, t.keys)).toEqual(before);

    // A new maximum size rebuilds too.
    const third = await startModule({ maxSize: 2 });
    expect(await third.handlers!['feed.rebuild']!({}, { via: 'internal' })).toMatchObject({ activities: 11, follows: 1 });
    expect(await readFeedState(t.redis, t.keys)).toEqual(model2.expected());
  });

  it('keeps only the retention period in Redis, at start, on record and in a rebuild', async () => {
    const m = await startModule({ retentionDays: 1 });
    await m.record([act('old', 'maria', 'signed_up', 'beach', T0 - 3 * DAY), act('new', 'maria', 'signed_up', 'park', T0)]);
    const profile = await m.handlers!['feed.get']!({ feed: 'volunteer:maria', limit: 10 }, { via: 'internal' });
    expect(profile.items.map((i) => i.sentence)).toEqual([`${isolate('Maria Lopez')} signed up for Park Planting today`]);
    expect(await m.handlers!['feed.rebuild']!({}, { via: 'internal' })).toMatchObject({ activities: 1 });
    clock.advance(3 * DAY);
    expect(await m.service().prune()).toBe(1);
    expect((await m.handlers!['feed.get']!({ feed: 'org', limit: 10 }, { via: 'internal' })).items).toEqual([]);
    // The store of record keeps everything.
    expect((await m.handlers!['feed.delete']!({ activityId: 'old' }, { via: 'internal' })).deleted).toBe(true);
    clock.advance(-3 * DAY);
  });

  it("groups by the coordinator's day in their time zone, in record and in rebuild", async () => {
    // Brisbane is UTC+10 all year. 23:30 on 1 Dec there is 13:30 UTC; 00:30 on 2 Dec is 14:30 UTC
    // on 1 Dec, so in UTC both would be one day and one line.
    let zone = 'Australia/Brisbane';
    const m = await startModule({ timeZone: () => zone });
    const lateEvening = Date.UTC(2026, 11, 1, 13, 30);
    const afterMidnight = Date.UTC(2026, 11, 1, 14, 30);
    clock.set(Date.UTC(2026, 11, 1, 23, 0)); // 09:00 on 2 Dec in Brisbane, still 1 Dec in UTC
    await m.record([act('late', 'maria', 'signed_up', 'beach', lateEvening), act('early', 'maria', 'signed_up', 'park', afterMidnight)]);
    const read = async () => (await m.handlers!['feed.get']!({ feed: 'volunteer:maria', limit: 10 }, { via: 'internal' })).items.map((i) => [i.day, i.sentence]);
    const local = [
      ['2026-12-02', `${isolate('Maria Lopez')} signed up for Park Planting today`],
      ['2026-12-01', `${isolate('Maria Lopez')} signed up for Beach Cleanup yesterday`],
    ];
    expect(await read()).toEqual(local);
    expect(await m.handlers!['feed.rebuild']!({}, { via: 'internal' })).toMatchObject({ activities: 2 });
    expect(await read()).toEqual(local);
    expect(await t.redis.hget(t.keys.feedMeta, 'timeZone')).toBe('Australia/Brisbane');

    // The computer moved to UTC: the feeds no longer match the zone, and a rebuild regroups them.
    zone = 'UTC';
    expect(await m.service().upToDate()).toBe(false);
    await m.handlers!['feed.rebuild']!({}, { via: 'internal' });
    expect(await read()).toEqual([['2026-12-01', `${isolate('Maria Lopez')} signed up for 2 events today`]]);
    await m.stop?.();

    // A start in another zone than the last build rebuilds by itself.
    const again = await startModule({ timeZone: () => 'Australia/Brisbane' });
    await again.stop?.(); // waits for the rebuild it started
    expect(await t.redis.hget(t.keys.feedMeta, 'timeZone')).toBe('Australia/Brisbane');
    clock.set(T0 + 3600_000);
  });

  it('says in the health report when Redis lost the feeds', async () => {
    const m = await startModule();
    await m.record([act('1', 'maria', 'signed_up', 'beach', T0)]);
    const report = (): HealthReport => ({ ok: true, redis: { up: true, mode: 'external', restarts: 0 }, model: { version: null }, queues: {}, streams: {}, facebook: { mode: 'demo' }, problems: [] });
    const healthy = report();
    await m.health?.(healthy);
    expect(healthy.problems).toEqual([]);
    await t.redis.del(...(await t.redis.keys(`${t.keys.feedPrefix}*`)));
    const lost = report();
    await m.health?.(lost);
    expect(lost.problems).toEqual([expect.stringMatching(/missing from Redis/)]);
    await m.handlers!['feed.rebuild']!({}, { via: 'internal' });
    const back = report();
    await m.health?.(back);
    expect(back.problems).toEqual([]);
  });

  it('answers "unavailable" in the worker role', async () => {
    const m = await startModule({}, 'worker');
    await expect(m.handlers!['feed.get']!({ feed: 'org', limit: 5 }, { via: 'internal' })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
