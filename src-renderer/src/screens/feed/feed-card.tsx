import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { Card } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { useStores } from '../../stores/stores';
import { FeedItemRow } from './feed-item';
import { createFeedStore } from './feed-store';

const TABS = [
  { id: 'org', label: 'Everything', empty: 'Nothing has happened yet', hint: 'Comments, signups and your own actions appear here as they happen.' },
  { id: 'following', label: 'Following', empty: 'You follow no one yet', hint: 'Choose Follow on a person or an event to see their activity here.' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** The activity feed: what happened, in sentences, each expandable to its activities. */
export function FeedCard() {
  const { bridge, system } = useStores();
  const store = useMemo(() => createFeedStore(bridge.api), [bridge]);
  const [tab, setTab] = useState<TabId>('org');
  const view = useStore(store, (s) => s.feeds[tab]);
  const following = useStore(store, (s) => s.following);

  useEffect(() => {
    void store.getState().loadFollowing();
    return store.getState().listen();
  }, [store]);
  useEffect(() => {
    void store.getState().load(tab);
  }, [store, tab]);

  const onFollow = (target: string, follow: boolean) => {
    store
      .getState()
      .setFollowing(target, follow)
      .catch((err: unknown) => system.getState().notify('error', err instanceof Error ? err.message : String(err)));
  };
  const current = TABS.find((t) => t.id === tab) ?? TABS[0];
  const onKey = (ev: React.KeyboardEvent) => {
    if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
    const i = TABS.findIndex((t) => t.id === tab);
    const next = TABS[(i + (ev.key === 'ArrowRight' ? 1 : -1) + TABS.length) % TABS.length];
    if (next) {
      setTab(next.id);
      document.getElementById(`feed-tab-${next.id}`)?.focus();
    }
  };

  return (
    <Card title="Activity" hint="What people and you did, grouped by person, event and day" labelledBy="feed-card">
      <div className="tabs" role="tablist" aria-label="Activity feeds" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`feed-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls="feed-panel"
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="feed-panel" role="tabpanel" aria-labelledby={`feed-tab-${tab}`} aria-busy={view?.loading ?? true}>
        {view?.error && <ErrorAlert title="The feed could not be read" error={view.error} onRetry={() => void store.getState().load(tab)} />}
        {!view || (view.loading && view.items.length === 0) ? (
          <EmptyState title="Loading…" compact />
        ) : view.items.length === 0 && !view.error ? (
          <EmptyState title={current.empty} compact>
            {current.hint}
          </EmptyState>
        ) : (
          <ul className="list" data-testid="feed-list">
            {view.items.map((item) => (
              <FeedItemRow key={item.id} item={item} following={following} onFollow={onFollow} />
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
