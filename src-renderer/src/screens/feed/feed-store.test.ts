import type { VoluntreeApi } from '@contract';
import type { FeedItem } from '@contract/feed';
import { describe, expect, it } from 'vitest';
import { createFeedStore } from './feed-store';

function item(id: string, sentence: string): FeedItem {
  const activity = { id: `${id}-1`, actor: { id: 'maria', name: 'Maria Lopez' }, verb: 'signed_up' as const, object: { type: 'event', id: 'beach', title: 'Beach Cleanup' }, time: 1 };
  return { id, kind: 'actor', verb: 'signed_up', day: '2026-11-23', sentence, time: 1, count: 1, activities: [activity] };
}

/** A contract stand-in that answers from plain data and lets the test push live events. */
function fakeApi() {
  const calls: { name: string; args: unknown }[] = [];
  const feeds: Record<string, FeedItem[]> = { org: [item('a', 'Maria Lopez signed up for Beach Cleanup today')], following: [] };
  let following: string[] = [];
  let updated: ((p: { feeds: string[] }) => void) | null = null;
  let failNext: Error | null = null;
  const api = {
    async invoke(name: string, args: Record<string, string>) {
      calls.push({ name, args });
      if (failNext) {
        const e = failNext;
        failNext = null;
        throw e;
      }
      if (name === 'feed.get') return { feed: args.feed, items: feeds[args.feed!] ?? [] };
      if (name === 'feed.following') return { targets: following };
      if (name === 'feed.follow') following = [...following, args.target!];
      if (name === 'feed.unfollow') following = following.filter((t) => t !== args.target);
      // The engine's delete takes the activity out of every feed (feed-service.ts delete).
      if (name === 'feed.delete') {
        for (const f of Object.keys(feeds)) feeds[f] = feeds[f]!.filter((i) => !i.activities.some((a) => a.id === args.activityId));
        return { deleted: true };
      }
      return { following: name === 'feed.follow', changed: true };
    },
    on(_event: string, cb: (p: { feeds: string[] }) => void) {
      updated = cb;
      return () => (updated = null);
    },
  } as unknown as VoluntreeApi;
  return { api, calls, feeds, push: (f: string[]) => updated?.({ feeds: f }), fail: (e: Error) => (failNext = e), listening: () => updated !== null };
}

describe('feed store', () => {
  it('loads a feed and re-reads it when the engine says it changed', async () => {
    const f = fakeApi();
    const store = createFeedStore(f.api);
    const stop = store.getState().listen();
    await store.getState().load('org');
    expect(store.getState().feeds.org?.items.map((i) => i.sentence)).toEqual(['Maria Lopez signed up for Beach Cleanup today']);
    f.feeds.org = [item('b', '3 people commented on Beach Cleanup today'), ...f.feeds.org!];
    f.push(['event:beach']);
    f.push(['org']);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().feeds.org?.items).toHaveLength(2);
    // Feeds not shown are not fetched.
    expect(f.calls.filter((c) => c.name === 'feed.get').map((c) => (c.args as { feed: string }).feed)).toEqual(['org', 'org']);
    stop();
    expect(f.listening()).toBe(false);
  });

  it('keeps what it showed and says why when a read fails', async () => {
    const f = fakeApi();
    const store = createFeedStore(f.api);
    await store.getState().load('org');
    f.fail(new Error('Redis is not answering'));
    await store.getState().load('org');
    expect(store.getState().feeds.org).toMatchObject({ loading: false, error: 'Redis is not answering' });
    expect(store.getState().feeds.org?.items).toHaveLength(1);
  });

  it('follows and unfollows, refreshing the following feed when shown', async () => {
    const f = fakeApi();
    const store = createFeedStore(f.api);
    await store.getState().loadFollowing();
    await store.getState().load('following');
    await store.getState().setFollowing('volunteer:maria', true);
    expect(store.getState().following).toEqual(['volunteer:maria']);
    await store.getState().setFollowing('volunteer:maria', false);
    expect(store.getState().following).toEqual([]);
    expect(f.calls.filter((c) => c.name === 'feed.get')).toHaveLength(3);
    f.fail(new Error('The activity feed is not running'));
    await expect(store.getState().setFollowing('event:beach', true)).rejects.toThrow(/not running/);
    expect(store.getState().following).toEqual([]);
  });

  it('removes one activity by hand and shows the feed without it at once', async () => {
    const f = fakeApi();
    const store = createFeedStore(f.api);
    await store.getState().load('org');
    await store.getState().remove('a-1', 'org');
    expect(f.calls.find((c) => c.name === 'feed.delete')?.args).toEqual({ activityId: 'a-1' });
    expect(store.getState().feeds.org?.items).toEqual([]);
    f.fail(new Error('No activity a-1 is recorded; check the id in the feed.'));
    await expect(store.getState().remove('a-1', 'org')).rejects.toThrow(/No activity a-1/);
  });
});
