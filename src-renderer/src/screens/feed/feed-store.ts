import type { VoluntreeApi } from '@contract';
import type { FeedItem } from '@contract/feed';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError } from '../../bridge';

export interface FeedView {
  items: FeedItem[];
  loading: boolean;
  error: string | null;
}

export interface FeedState {
  /** Feeds read so far, by name (`org`, `following`, `event:<id>`, `volunteer:<id>`). */
  feeds: Record<string, FeedView>;
  /** Follow targets (`volunteer:<id>`, `event:<id>`), or null before the first load. */
  following: string[] | null;
  load(feed: string): Promise<void>;
  loadFollowing(): Promise<void>;
  /** Follows or unfollows; rejects with an ApiError to show. */
  setFollowing(target: string, follow: boolean): Promise<void>;
  /**
   * Takes one activity out of every feed by hand (`feed.delete`; the record stays, marked
   * deleted), then re-reads `feed`. Rejects with an ApiError to show.
   */
  remove(activityId: string, feed: string): Promise<void>;
  /** Re-reads shown feeds when the engine says they changed; returns the stop function. */
  listen(): () => void;
}

/** Items shown per feed. */
export const FEED_LIMIT = 30;

/** The activity feed as the coordinator sees it: aggregated items per feed, kept fresh by `feed.updated`. */
export function createFeedStore(api: VoluntreeApi): StoreApi<FeedState> {
  return createStore<FeedState>()((set, get) => ({
    feeds: {},
    following: null,
    async load(feed) {
      const current = get().feeds[feed];
      set({ feeds: { ...get().feeds, [feed]: { items: current?.items ?? [], loading: true, error: null } } });
      try {
        const page = await api.invoke('feed.get', { feed, limit: FEED_LIMIT });
        set({ feeds: { ...get().feeds, [feed]: { items: page.items, loading: false, error: null } } });
      } catch (err) {
        set({ feeds: { ...get().feeds, [feed]: { items: current?.items ?? [], loading: false, error: toApiError(err).message } } });
      }
    },
    async loadFollowing() {
      try {
        set({ following: (await api.invoke('feed.following', {})).targets });
      } catch {
        // Follow buttons stay hidden until the list is known; the feed itself still shows.
      }
    },
    async setFollowing(target, follow) {
      try {
        await api.invoke(follow ? 'feed.follow' : 'feed.unfollow', { target });
      } catch (err) {
        throw toApiError(err);
      }
      const now = get().following ?? [];
      set({ following: follow ? [...new Set([...now, target])] : now.filter((t) => t !== target) });
      if (get().feeds.following) await get().load('following');
    },
    async remove(activityId, feed) {
      try {
        await api.invoke('feed.delete', { activityId });
      } catch (err) {
        throw toApiError(err);
      }
      // feed.updated follows too; reading now makes the line go at once on this screen.
      await get().load(feed);
    },
    listen() {
      return api.on('feed.updated', ({ feeds }) => {
        for (const feed of feeds) if (get().feeds[feed]) void get().load(feed);
      });
    },
  }));
}
