import { useId, useState } from 'react';
import type { Activity, COORDINATOR_ACTOR, FeedItem, FeedVerb } from '@contract/feed';
import { SentenceText, UserText } from '../../components/user-text';
import { formatWhen } from '../../lib/format';

/** The renderer takes only types from the contract; the type keeps this in step with the engine's value. */
const COORDINATOR_ACTOR_ID: (typeof COORDINATOR_ACTOR)['id'] = 'coordinator';

const VERB_LABELS: Record<FeedVerb, string> = {
  commented: 'commented on',
  signed_up: 'signed up for',
  cancelled: 'withdrew from',
  asked: 'asked about',
  attended: 'attended',
  promoted: 'moved off the waitlist for',
  coordinator_published: 'published',
  coordinator_updated: 'updated',
  coordinator_added_signup: 'added a signup to',
  coordinator_removed_signup: 'removed a signup from',
  coordinator_sent_update: 'sent an update about',
};

/** What following this item means: its person, or its event. */
export function followTargetOf(item: FeedItem): { target: string; label: string } | null {
  const first = item.activities[0];
  if (!first) return null;
  if (item.kind === 'actor') {
    // The coordinator's own actions: there is nobody to follow.
    if (first.actor.id === COORDINATOR_ACTOR_ID) return null;
    return { target: `volunteer:${first.actor.id}`, label: first.actor.name };
  }
  if (first.object.type === 'event') return { target: `event:${first.object.id}`, label: first.object.title };
  return null;
}

function ActivityLine(props: { activity: Activity; onRemove?: ((activityId: string) => void) | undefined }) {
  const a = props.activity;
  const verb = VERB_LABELS[a.verb] ?? a.verb;
  return (
    <li className="row between">
      <span>
        <strong>
          <UserText text={a.actor.name} />
        </strong>{' '}
        {verb} <UserText text={a.object.title} />
      </span>
      <span className="row">
        <span className="small muted num">{formatWhen(a.time)}</span>
        {props.onRemove && (
          <button
            type="button"
            className="btn small ghost"
            aria-label={`Remove from the feeds: ${a.actor.name} ${verb} ${a.object.title}`}
            title="Takes this line out of every feed (Today, this event, this person). Signups and comments stay as they are."
            onClick={() => props.onRemove!(a.id)}
          >
            Remove
          </button>
        )}
      </span>
    </li>
  );
}

/** One aggregated line; its activities unfold below it. */
export function FeedItemRow(props: { item: FeedItem; following: string[] | null; onFollow: (target: string, follow: boolean) => void; onRemove?: (activityId: string) => void }) {
  const { item } = props;
  const [open, setOpen] = useState(false);
  const listId = useId();
  const follow = followTargetOf(item);
  const isFollowing = follow !== null && props.following?.includes(follow.target) === true;
  return (
    <li data-testid="feed-item">
      <div className="list-item-head">
        <span>
          <SentenceText text={item.sentence} />
        </span>
        <span className="row">
          <span className="small muted num">{formatWhen(item.time)}</span>
          {follow && props.following && (
            <button
              type="button"
              className="btn small ghost"
              aria-pressed={isFollowing}
              aria-label={`${isFollowing ? 'Stop following' : 'Follow'} ${follow.label}`}
              onClick={() => props.onFollow(follow.target, !isFollowing)}
            >
              {isFollowing ? 'Following' : 'Follow'}
            </button>
          )}
          {(item.count > 1 || props.onRemove) && (
            <button type="button" className="btn small" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
              {open ? 'Hide' : item.count > 1 ? `Show ${item.count}` : 'Show'}
            </button>
          )}
        </span>
      </div>
      {open && (
        <ul id={listId} className="stack tight small" aria-label={`The ${item.count} activities`}>
          {item.activities.map((a) => (
            <ActivityLine key={a.id} activity={a} onRemove={props.onRemove} />
          ))}
          {item.count > item.activities.length && <li className="muted">and {item.count - item.activities.length} earlier</li>}
        </ul>
      )}
    </li>
  );
}
