import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { preparedGears } from '../gears/libraries';
import { Gears } from '../gears/loader';
import { FeedGear } from './feed-gear';
import { act, DAY, T0 } from './test-support/fixtures';
import { invariantProblems, readFeedState, ReferenceModel } from './test-support/reference-model';

describe('feed gear', () => {
  let t: TestRedis;
  let gear: FeedGear;
  const make = (maxSize: number) => new FeedGear(t.redis, new Gears(t.redis, preparedGears()), t.keys, { maxSize, timeZone: () => 'UTC' });
  const feed = (id: string) => t.redis.zrange(t.keys.feed(id), '0', '-1', 'REV');

  beforeEach(async () => {
    t = await testRedis();
    gear = make(3);
    await new Gears(t.redis, preparedGears()).load();
  });
  afterEach(() => t.cleanup());

  it('aggregates by verb, actor and day for the profile and by verb, object and day for the event', async () => {
    await gear.addMany([
      act('1', 'maria', 'signed_up', 'beach', T0),
      act('2', 'maria', 'signed_up', 'park', T0 + 1000),
      act('3', 'sam', 'signed_up', 'beach', T0 + 2000),
      act('4', 'maria', 'signed_up', 'beach', T0 + DAY),
    ]);
    expect(await feed('volunteer:maria')).toEqual(['a|signed_up|maria|2026-11-24', 'a|signed_up|maria|2026-11-23']);
    expect(await t.redis.zrange(t.keys.feedAgg('a|signed_up|maria|2026-11-23'), '0', '-1')).toEqual(['1', '2']);
    expect(await feed('event:beach')).toEqual(['o|signed_up|event:beach|2026-11-24', 'o|signed_up|event:beach|2026-11-23']);
    expect(await t.redis.zrange(t.keys.feedAgg('o|signed_up|event:beach|2026-11-23'), '0', '-1')).toEqual(['1', '3']);
    // The organisation feed groups signups by person, scored by the newest activity; comments by event.
    expect(await t.redis.zscore(t.keys.feed('org'), 'a|signed_up|maria|2026-11-23')).toBe(String(T0 + 1000));
    expect(await t.redis.zscore(t.keys.feed('org'), 'o|signed_up|event:beach|2026-11-23')).toBeNull();
    await gear.add(act('5', 'sam', 'commented', 'beach', T0 + 5000));
    expect(await t.redis.zscore(t.keys.feed('org'), 'o|commented|event:beach|2026-11-23')).toBe(String(T0 + 5000));
  });

  it('applies an activity once however often it arrives', async () => {
    const a = act('1', 'maria', 'commented', 'beach', T0);
    await gear.follow('coordinator', 'volunteer:maria', T0, true);
    const first = await gear.addMany([a, a]);
    expect(first.applied).toBe(1);
    expect(first.followingUsers).toEqual(['coordinator']);
    const before = await readFeedState(t.redis, t.keys);
    for (let i = 0; i < 5; i += 1) expect((await gear.add(a)).applied).toBe(0);
    expect(await readFeedState(t.redis, t.keys)).toEqual(before);
  });

  it('trims feeds to the maximum size and drops references of trimmed aggregations', async () => {
    for (let i = 0; i < 5; i += 1) await gear.add(act(`a${i}`, 'maria', 'commented', `e${i}`, T0 + i * 1000));
    expect(await feed('org')).toEqual(['o|commented|event:e4|2026-11-23', 'o|commented|event:e3|2026-11-23', 'o|commented|event:e2|2026-11-23']);
    // Trimmed from org, but still its event's only item; its refs count only that feed.
    expect(await t.redis.smembers(t.keys.feedAggRefs('o|commented|event:e0|2026-11-23'))).toEqual(['event:e0']);
    // An older activity never enters a full feed.
    await gear.add(act('old', 'sam', 'commented', 'e9', T0 - DAY));
    expect(await feed('org')).not.toContain('o|commented|event:e9|2026-11-22');
    const state = await readFeedState(t.redis, t.keys);
    expect(invariantProblems(state, 3)).toEqual([]);
  });

  it('follow back-fills the following feed; unfollow takes it out again', async () => {
    await gear.addMany([
      act('1', 'maria', 'signed_up', 'beach', T0),
      act('2', 'maria', 'commented', 'beach', T0 + 1),
      act('3', 'sam', 'commented', 'park', T0 + 2),
    ]);
    const f = await gear.follow('coordinator', 'volunteer:maria', T0, true);
    expect(f).toMatchObject({ applied: true, following: true });
    expect(await feed('following:coordinator')).toEqual(['a|commented|maria|2026-11-23', 'a|signed_up|maria|2026-11-23']);
    await gear.follow('coordinator', 'event:park', T0, true);
    expect(await feed('following:coordinator')).toEqual(['o|commented|event:park|2026-11-23', 'a|commented|maria|2026-11-23', 'a|signed_up|maria|2026-11-23']);
    // New activity reaches the follower.
    await gear.add(act('4', 'maria', 'asked', 'food', T0 + 3));
    expect((await feed('following:coordinator'))[0]).toBe('a|asked|maria|2026-11-23');
    await gear.follow('coordinator', 'volunteer:maria', T0 + 10, false);
    expect(await feed('following:coordinator')).toEqual(['o|commented|event:park|2026-11-23']);
    expect(await t.redis.smembers(t.keys.feedAggRefs('a|asked|maria|2026-11-23'))).toEqual(['volunteer:maria']);
  });

  it('lets the latest follow or unfollow win, whatever order they arrive in', async () => {
    await gear.add(act('1', 'maria', 'signed_up', 'beach', T0));
    expect((await gear.follow('coordinator', 'volunteer:maria', 200, false)).applied).toBe(true);
    // A delayed retry of an older follow changes nothing.
    expect(await gear.follow('coordinator', 'volunteer:maria', 100, true)).toMatchObject({ applied: false, following: false });
    // Same stamp: the unfollow wins.
    expect(await gear.follow('coordinator', 'volunteer:maria', 200, true)).toMatchObject({ applied: false, following: false });
    expect(await gear.follow('coordinator', 'volunteer:maria', 300, true)).toMatchObject({ applied: true, following: true });
    expect(await feed('following:coordinator')).toEqual(['a|signed_up|maria|2026-11-23']);
  });

  it('delete removes the activity everywhere, drops empty aggregations and refills trimmed feeds', async () => {
    for (let i = 0; i < 4; i += 1) await gear.add(act(`a${i}`, 'maria', 'commented', `e${i}`, T0 + i * 1000));
    await gear.add(act('b', 'sam', 'commented', 'e3', T0 + 500));
    const r = await gear.delete('a3');
    expect(r.deleted).toBe(true);
    expect(r.feeds).toContain('org');
    // e3's aggregation keeps Sam's comment, re-scored to it; e0 comes back into the org feed.
    expect(await t.redis.zrange(t.keys.feed('org'), '0', '-1', 'REV', 'WITHSCORES')).toEqual([
      'o|commented|event:e2|2026-11-23', String(T0 + 2000),
      'o|commented|event:e1|2026-11-23', String(T0 + 1000),
      'o|commented|event:e3|2026-11-23', String(T0 + 500),
    ]);
    await gear.delete('b');
    expect(await t.redis.exists(t.keys.feedAgg('o|commented|event:e3|2026-11-23'), t.keys.feedAggRefs('o|commented|event:e3|2026-11-23'))).toBe(0);
    expect(await feed('event:e3')).toEqual([]);
    expect(await feed('org')).toEqual(['o|commented|event:e2|2026-11-23', 'o|commented|event:e1|2026-11-23', 'o|commented|event:e0|2026-11-23']);
    // Repeats, and a late retry of the add, change nothing.
    const before = await readFeedState(t.redis, t.keys);
    expect((await gear.delete('a3')).deleted).toBe(false);
    expect((await gear.add(act('a3', 'maria', 'commented', 'e3', T0 + 3000))).applied).toBe(0);
    expect(await readFeedState(t.redis, t.keys)).toEqual(before);
    expect(invariantProblems(before, 3)).toEqual([]);
  });

  it('a delete that arrives before its add wins', async () => {
    expect((await gear.delete('x')).deleted).toBe(false);
    expect((await gear.add(act('x', 'maria', 'commented', 'beach', T0))).applied).toBe(0);
    expect(await feed('org')).toEqual([]);
  });

  it('prune forgets everything older than the horizon, refills feeds and refuses old adds', async () => {
    await gear.addMany([
      act('old1', 'maria', 'commented', 'beach', T0 - 2 * DAY),
      act('old2', 'sam', 'commented', 'park', T0 - DAY),
      act('new1', 'maria', 'commented', 'beach', T0),
    ]);
    await gear.delete('old2', T0 - DAY);
    await gear.delete('never-added', T0 - 3 * DAY);
    expect(await gear.prune(T0 - DAY / 2, 1)).toBe(3);
    expect(await t.redis.zcard(`${t.keys.feedPrefix}times`)).toBe(1);
    expect(await t.redis.exists(t.keys.feedActivity('old1'), t.keys.feedActivity('old2'), t.keys.feedActivity('never-added'))).toBe(0);
    expect(await feed('volunteer:maria')).toEqual(['a|commented|maria|2026-11-23']);
    expect(await feed('event:beach')).toEqual(['o|commented|event:beach|2026-11-23']);
    // Gone for good: a late retry of an old add is refused, and the horizon never moves back.
    expect((await gear.add(act('old1', 'maria', 'commented', 'beach', T0 - 2 * DAY))).applied).toBe(0);
    await gear.prune(T0 - 5 * DAY);
    expect((await gear.add(act('old3', 'ana', 'asked', 'beach', T0 - DAY))).applied).toBe(0);
    expect(invariantProblems(await readFeedState(t.redis, t.keys), 3)).toEqual([]);
  });

  it('re-materialises every feed for a new maximum size', async () => {
    for (let i = 0; i < 5; i += 1) await gear.add(act(`a${i}`, 'maria', 'commented', `e${i}`, T0 + i * 1000));
    const bigger = make(10);
    await bigger.materialize(['org']);
    expect(await feed('org')).toHaveLength(5);
    const model = new ReferenceModel(10);
    for (let i = 0; i < 5; i += 1) model.add(act(`a${i}`, 'maria', 'commented', `e${i}`, T0 + i * 1000));
    expect((await readFeedState(t.redis, t.keys)).feeds.org).toEqual(model.expected().feeds.org);
  });

  it('refuses an unknown follow kind and another build of the library', async () => {
    await expect(t.redis.call('FCALL', 'vt_feed_add', 0, 'not-the-version')).rejects.toThrow(/VT_GEAR_VERSION/);
    const version = new Gears(t.redis, preparedGears()).version('vt_feed');
    await expect(t.redis.call('FCALL', 'vt_feed_follow', 0, version, t.keys.feedPrefix, 3, 'u', 'actor:x', 1, 'x')).rejects.toThrow(/kind must be/);
  });

  it('names a mismatched library build in a pipelined batch', async () => {
    const other = new Gears(t.redis, preparedGears().map((g) => (g.name === 'vt_feed' ? { ...g, version: 'older-build' } : g)));
    const stale = new FeedGear(t.redis, other, t.keys, { maxSize: 3, timeZone: () => 'UTC' });
    await expect(stale.addMany([act('1', 'maria', 'commented', 'beach', T0)])).rejects.toThrow(/different build of gear library "vt_feed"/);
  });

  it('reloads the library when Redis lost its functions, in a pipelined batch too', async () => {
    await t.redis.call('FUNCTION', 'DELETE', 'vt_feed');
    const r = await gear.addMany([act('1', 'maria', 'commented', 'beach', T0), act('2', 'sam', 'commented', 'beach', T0)]);
    expect(r.applied).toBe(2);
  });

  it('purges a person: their activities leave every aggregation and feed, with no tombstone left', async () => {
    await gear.follow('coordinator', 'event:beach', T0, true);
    await gear.addMany([
      act('m1', 'maria', 'commented', 'beach', T0),
      act('s1', 'sam', 'commented', 'beach', T0 + 1000),
      act('m2', 'maria', 'signed_up', 'beach', T0 + 2000),
    ]);
    await gear.delete('m2', T0 + 2000);
    const r = await gear.purge(['m1', 'm2']);
    expect(r.purged).toBe(2);
    // The event's item keeps its newest time (Sam's), so only Maria's profile feed changed.
    expect(r.feeds).toEqual(['volunteer:maria']);
    // What is left is exactly what Sam alone would have made.
    expect(await t.redis.zrange(t.keys.feedAgg('o|commented|event:beach|2026-11-23'), '0', '-1')).toEqual(['s1']);
    expect(await feed('volunteer:maria')).toEqual([]);
    expect(await t.redis.exists(t.keys.feedActivity('m1'), t.keys.feedActivity('m2'))).toBe(0);
    const state = await readFeedState(t.redis, t.keys);
    expect(invariantProblems(state, 3)).toEqual([]);
    expect(JSON.stringify(state)).not.toMatch(/maria|m1|m2/);
    // Repeating it finds nothing more to do.
    expect(await gear.purge(['m1', 'm2'])).toEqual({ purged: 0, feeds: [] });
  });

  it("forgets every follow of a person, stamps included, and refills the follower's feed", async () => {
    await gear.follow('coordinator', 'volunteer:maria', T0, true);
    await gear.follow('coordinator', 'volunteer:sam', T0, true);
    await gear.follow('helper', 'volunteer:maria', T0, true);
    await gear.follow('helper', 'volunteer:maria', T0 + 1, false);
    await gear.addMany([act('m1', 'maria', 'commented', 'beach', T0), act('s1', 'sam', 'signed_up', 'park', T0 + 1000)]);
    await gear.purge(['m1']);
    expect(await gear.forget('volunteer:maria', ['coordinator', 'helper'])).toEqual(['coordinator']);
    expect(await feed('following:coordinator')).toEqual(['a|signed_up|sam|2026-11-23']);
    expect(await t.redis.smembers(t.keys.feedFollows('coordinator'))).toEqual(['actor:sam']);
    expect(await t.redis.hkeys(t.keys.feedEdges('coordinator'))).toEqual(['actor:sam']);
    expect(await t.redis.hkeys(t.keys.feedEdges('helper'))).toEqual([]);
    expect(await t.redis.exists(t.keys.feedFollowers('actor:maria'))).toBe(0);
    expect(invariantProblems(await readFeedState(t.redis, t.keys), 3)).toEqual([]);
    expect(await gear.forget('volunteer:maria', ['coordinator'])).toEqual([]);
  });
});
