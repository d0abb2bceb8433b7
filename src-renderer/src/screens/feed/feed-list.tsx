import { useEffect, useMemo } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { useStores } from '../../stores/stores';
import { FeedItemRow } from './feed-item';
import { createFeedStore, type FeedState } from './feed-store';

/**
 * A feed store for one screen, following `feed.updated` while the screen is shown. Each screen
 * that shows a feed has its own, so leaving it stops its refreshes.
 */
export function useFeedStore(): StoreApi<FeedState> {
  const { bridge } = useStores();
  const store = useMemo(() => createFeedStore(bridge.api), [bridge]);
  useEffect(() => {
    void store.getState().loadFollowing();
    return store.getState().listen();
  }, [store]);
  return store;
}

/** Follow or unfollow, with the engine's message as a toast when it fails. */
export function useFollow(store: StoreApi<FeedState>): (target: string, follow: boolean) => void {
  const { system } = useStores();
  return (target, follow) => {
    store
      .getState()
      .setFollowing(target, follow)
      .catch((err: unknown) => system.getState().notify('error', err instanceof Error ? err.message : String(err)));
  };
}

/** Remove one activity from the feeds, with the engine's message as a toast when it fails. */
function useRemove(store: StoreApi<FeedState>, feed: string): (activityId: string) => void {
  const { system } = useStores();
  return (activityId) => {
    store
      .getState()
      .remove(activityId, feed)
      .catch((err: unknown) => system.getState().notify('error', err instanceof Error ? err.message : String(err)));
  };
}

/**
 * One feed's items: sentences that unfold into their activities, loaded on mount and re-read
 * when the engine says the feed changed. `showFollow` puts a Follow button on each item (the
 * organisation and following feeds mix people and events; an event's or a person's own feed
 * has one Follow toggle for the page instead). `canRemove` offers, on each unfolded activity, to
 * take it out of every feed (an event's and a person's own feed, where the coordinator looks
 * closely at one thing and can spot a line that should not be there).
 */
export function FeedList(props: { store: StoreApi<FeedState>; feed: string; empty: string; hint: string; showFollow?: boolean; canRemove?: boolean; label?: string }) {
  const { store, feed } = props;
  const view = useStore(store, (s) => s.feeds[feed]);
  const following = useStore(store, (s) => s.following);
  const onFollow = useFollow(store);
  const onRemove = useRemove(store, feed);
  useEffect(() => {
    void store.getState().load(feed);
  }, [store, feed]);
  return (
    <div aria-busy={view?.loading ?? true} aria-label={props.label}>
      {view?.error && <ErrorAlert title="The feed could not be read" error={view.error} onRetry={() => void store.getState().load(feed)} />}
      {!view || (view.loading && view.items.length === 0) ? (
        <EmptyState title="Loading…" compact />
      ) : view.items.length === 0 && !view.error ? (
        <EmptyState title={props.empty} compact>
          {props.hint}
        </EmptyState>
      ) : (
        <ul className="list" data-testid="feed-list">
          {view.items.map((item) => (
            <FeedItemRow key={item.id} item={item} following={props.showFollow ? following : null} onFollow={onFollow} {...(props.canRemove ? { onRemove } : {})} />
          ))}
        </ul>
      )}
    </div>
  );
}

/** Follow / Following for one person or event (`volunteer:<id>`, `event:<id>`); hidden until known. */
export function FollowToggle(props: { store: StoreApi<FeedState>; target: string; label: string }) {
  const following = useStore(props.store, (s) => s.following);
  const onFollow = useFollow(props.store);
  if (!following) return null;
  const on = following.includes(props.target);
  return (
    <button
      type="button"
      className={`btn${on ? '' : ' primary'}`}
      aria-pressed={on}
      aria-label={`${on ? 'Stop following' : 'Follow'} ${props.label}`}
      title={on ? 'Their activity is in your Following feed on Today. Click to stop.' : 'Show their activity in your Following feed on Today'}
      onClick={() => onFollow(props.target, !on)}
    >
      {on ? 'Following' : 'Follow'}
    </button>
  );
}
