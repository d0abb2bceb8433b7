import { useState } from 'react';
import { Card } from '../../components/card';
import { FeedList, useFeedStore } from './feed-list';

const TABS = [
  { id: 'org', label: 'Everything', empty: 'Nothing has happened yet', hint: 'Comments, signups and your own actions appear here as they happen.' },
  { id: 'following', label: 'Following', empty: 'You follow no one yet', hint: 'Choose Follow on a person or an event to see their activity here.' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/** The activity feed on Today: what happened, in sentences, each expandable to its activities. */
export function FeedCard() {
  const store = useFeedStore();
  const [tab, setTab] = useState<TabId>('org');
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
      <div id="feed-panel" role="tabpanel" aria-labelledby={`feed-tab-${tab}`}>
        <FeedList store={store} feed={tab} empty={current.empty} hint={current.hint} showFollow />
      </div>
    </Card>
  );
}
