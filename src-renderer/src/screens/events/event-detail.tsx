import type { EventView } from '@contract/events';
import { useState } from 'react';
import { Card } from '../../components/card';
import { ErrorAlert, FillBar } from '../../components/feedback';
import { ExternalLink } from '../../components/user-text';
import { formatRange, formatWhen } from '../../lib/format';
import { localToIso } from '../../lib/time-input';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { FeedList, FollowToggle, useFeedStore } from '../feed/feed-list';
import { CommentsPanel } from './comments-panel';
import { EventStatusBadge } from './event-status';
import { SignupsPanel } from './signups-panel';

function PublishControls(props: { event: EventView }) {
  const { bridge, events } = useStores();
  const [when, setWhen] = useState('');
  const publish = useAction(async (at?: string) => {
    const e = await bridge.api.invoke('events.publish', { id: props.event.id, ...(at ? { at } : {}) });
    events.getState().upsert(e);
    return e;
  });
  const e = props.event;
  if (e.status === 'published')
    return (
      <div className="row">
        <span className="muted">Published {formatWhen(e.publishedAt)}.</span>
        {e.permalinkUrl && <ExternalLink href={e.permalinkUrl}>See the post on Facebook</ExternalLink>}
      </div>
    );
  // Facebook holds a scheduled post; Voluntree cannot publish it sooner or unschedule it, so it
  // offers no button that the engine would refuse.
  if (e.status === 'scheduled')
    return (
      <div className="muted">
        Scheduled on Facebook for {formatWhen(e.scheduledAt)}; it goes live by itself then. To publish it sooner or change the time,
        change the scheduled post in Meta Business Suite.
      </div>
    );
  return (
    <div className="stack">
      {e.status === 'failed' && <ErrorAlert title="Publishing failed" error={e.failureReason ?? 'Facebook refused the post.'} />}
      <div className="row">
        <button type="button" className="btn primary" disabled={publish.pending} onClick={() => void publish.run()}>
          {publish.pending ? 'Publishing…' : 'Publish now'}
        </button>
        <span className="muted">or at</span>
        <input className="input schedule-input" type="datetime-local" aria-label="Publish at" value={when} onChange={(x) => setWhen(x.target.value)} />
        <button type="button" className="btn" disabled={!when || publish.pending} onClick={() => void publish.run(localToIso(when) ?? undefined)}>
          Schedule
        </button>
      </div>
      {publish.error && <ErrorAlert title="Not published" error={publish.error} />}
    </div>
  );
}

/** One event: how full it is, its post, and the tabs for signups, comments, activity and post text. */
export function EventDetail(props: { event: EventView; onEdit: () => void }) {
  const e = props.event;
  const [tab, setTab] = useState<'signups' | 'comments' | 'activity' | 'post'>('signups');
  const feed = useFeedStore();
  return (
    <div className="stack">
      <Card
        title={
          <span className="row">
            <span className="user-text">{e.title}</span> <EventStatusBadge status={e.status} />
          </span>
        }
        hint={[e.slots[0] ? formatRange(e.slots[0].start, e.slots.at(-1)?.end) : null, e.location].filter(Boolean).join(' · ')}
        actions={
          <>
            <FollowToggle store={feed} target={`event:${e.id}`} label={e.title} />
            <button type="button" className="btn" onClick={props.onEdit}>
              Edit
            </button>
          </>
        }
      >
        <div className="stack">
          <FillBar taken={e.counts.signedUp} capacity={e.counts.capacity} waitlist={e.counts.waitlisted} label={`${e.title} filled`} />
          <PublishControls event={e} />
        </div>
      </Card>
      <div className="tabs" role="tablist" aria-label="Event sections">
        {(
          [
            ['signups', `Signups (${e.counts.signedUp + e.counts.waitlisted})`],
            ['comments', `Comments (${e.counts.comments})`],
            ['activity', 'Activity'],
            ['post', 'Post text'],
          ] as const
        ).map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={tab === id} onClick={() => setTab(id)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'signups' ? (
          <SignupsPanel event={e} />
        ) : tab === 'comments' ? (
          <CommentsPanel eventId={e.id} />
        ) : tab === 'activity' ? (
          <FeedList
            store={feed}
            feed={`event:${e.id}`}
            canRemove
            label={`Activity on ${e.title}`}
            empty="Nothing has happened on this event yet"
            hint="Comments, signups, withdrawals and your own changes to this event appear here, grouped by day."
          />
        ) : (
          <div className="post-preview" data-testid="post-preview">
            {e.postText}
          </div>
        )}
      </div>
    </div>
  );
}
