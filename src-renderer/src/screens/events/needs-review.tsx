import { INTENTS } from '@contract/intents';
import type { CommentView, IntentName } from '@contract/events';
import { useState } from 'react';
import { toApiError } from '../../bridge';
import { Card } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { formatWhen } from '../../lib/format';
import { href } from '../../lib/router';
import { useEvents, useReview, useStores } from '../../stores/stores';

/** What each intent does when the coordinator picks it, in their words. */
const ACT: Record<IntentName, string> = {
  signup: 'Sign up',
  cancel: 'Cancel signup',
  question: 'Question',
  other: 'Nothing to do',
};
const GUESS: Record<IntentName, string> = {
  signup: 'wants to sign up',
  cancel: 'is cancelling',
  question: 'is asking a question',
  other: 'is only commenting',
};
const ORDER: readonly IntentName[] = INTENTS;

/**
 * Comments the model was unsure of: nothing was done with them yet. One click accepts the guess
 * or picks what the comment means; that acts at once (signup, replies) and teaches the model.
 * On Today it lists every event's; on an event's Comments tab only that event's.
 */
export function NeedsReview(props: { eventId?: string; limit?: number }) {
  const all = useReview((s) => s.items);
  const loaded = useReview((s) => s.loaded);
  const loadError = useReview((s) => s.error);
  const resolving = useReview((s) => s.resolving);
  const events = useEvents((s) => s.events);
  const { review } = useStores();
  const [error, setError] = useState<string | null>(null);
  const items = props.eventId ? all.filter((c) => c.eventId === props.eventId) : all;
  if (props.eventId && items.length === 0) return null;
  const titleOf = (id: string | null) => events.find((e) => e.id === id)?.title ?? 'an event';
  const shown = items.slice(0, props.limit ?? items.length);

  const resolve = async (c: CommentView, intent: IntentName) => {
    try {
      await review.getState().resolve(c.id, intent);
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  };

  return (
    <Card
      title={`Needs a look (${items.length})`}
      hint="Voluntree was not sure what these mean, so it has not answered them yet"
      labelledBy={props.eventId ? 'event-needs-review' : 'today-needs-review'}
      flush
    >
      {error && <ErrorAlert title="That did not go through" error={error} />}
      {loadError && !loaded ? (
        <ErrorAlert title="Comments to check could not be loaded" error={loadError} onRetry={() => void review.getState().load()} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing to check" compact>
          Comments Voluntree is unsure of wait here; it answers the rest by itself.
        </EmptyState>
      ) : (
        <ul className="list" data-testid="needs-review">
          {shown.map((c) => {
            const guess = c.intent ?? 'other';
            const who = c.authorName ?? 'Someone';
            const busy = resolving === c.id;
            return (
              <li key={c.id} data-testid="review-item" data-comment={c.id}>
                <div className="list-item-head">
                  <span className="signup-line">
                    <strong>
                      <UserText text={who} />
                    </strong>
                    {!props.eventId && (
                      <a className="small" href={href('events', c.eventId ?? '')}>
                        <UserText text={titleOf(c.eventId)} />
                      </a>
                    )}
                  </span>
                  <span className="time">{formatWhen(c.createdAt)}</span>
                </div>
                <blockquote className="review-text">
                  <UserText text={c.message} />
                </blockquote>
                <div className="small muted">
                  Voluntree thinks <UserText text={who} /> {GUESS[guess]}
                  {c.confidence !== null && ` (${Math.round(c.confidence * 100)} % sure)`}.
                </div>
                <div className="row review-actions" role="group" aria-label={`What ${who}'s comment means`}>
                  <button type="button" className="btn small primary" disabled={busy} onClick={() => void resolve(c, guess)}>
                    {busy ? 'Saving…' : `Yes: ${ACT[guess]}`}
                  </button>
                  {ORDER.filter((i) => i !== guess).map((i) => (
                    <button key={i} type="button" className="btn small" disabled={busy} onClick={() => void resolve(c, i)}>
                      {ACT[i]}
                    </button>
                  ))}
                </div>
              </li>
            );
          })}
          {shown.length < items.length && (
            <li className="small muted">
              And {items.length - shown.length} more; open each event’s Comments tab to see them all.
            </li>
          )}
        </ul>
      )}
    </Card>
  );
}
