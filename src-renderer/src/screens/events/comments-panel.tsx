import { INTENTS } from '@contract/intents';
import type { CommentView, IntentName, ReplyChannel } from '@contract/events';
import { useCallback, useEffect, useState } from 'react';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { toApiError } from '../../bridge';
import { formatWhen } from '../../lib/format';
import { useStores } from '../../stores/stores';
import { NeedsReview } from './needs-review';

const ACTION_TEXT: Record<string, string> = {
  signed_up: 'Signed up',
  waitlisted: 'Waitlisted',
  cancelled: 'Cancelled',
  question: 'Sent to inbox',
  ignored: 'No action',
  already_signed_up: 'Already signed up',
  not_our_post: 'Not our post',
  withdrawn: 'Withdrawn',
  no_author: 'No author',
  needs_review: 'Needs a look',
};

const CHANNEL_TEXT: Record<ReplyChannel, string> = { public: 'Public reply', private: 'Private reply', messenger: 'Messenger message' };

/** Each comment with what the model thought it meant; the coordinator can correct it. */
export function CommentsPanel(props: { eventId: string }) {
  const { bridge } = useStores();
  const [comments, setComments] = useState<CommentView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setComments(await bridge.api.invoke('comments.list', { eventId: props.eventId, limit: 500 }));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    }
  }, [bridge, props.eventId]);
  useEffect(() => {
    void load();
    const offReceived = bridge.api.on('comment.received', ({ comment }) => {
      if (comment.eventId !== props.eventId) return;
      setComments((old) => [comment, ...(old ?? []).filter((c) => c.id !== comment.id)]);
    });
    // A change to a comment already shown (a reply that could not be sent) keeps its place.
    const offUpdated = bridge.api.on('comment.updated', ({ comment }) => {
      if (comment.eventId !== props.eventId) return;
      setComments((old) => (old ?? []).map((c) => (c.id === comment.id ? comment : c)));
    });
    return () => {
      offReceived();
      offUpdated();
    };
  }, [bridge, load, props.eventId]);

  const correct = async (commentId: string, intent: IntentName) => {
    setSaving(commentId);
    try {
      const updated = await bridge.api.invoke('comments.correct', { commentId, intent });
      setComments((old) => (old ?? []).map((c) => (c.id === updated.id ? updated : c)));
      setError(null);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSaving(null);
    }
  };

  if (error && !comments) return <ErrorAlert title="Comments could not be loaded" error={error} onRetry={() => void load()} />;
  if (!comments) return <EmptyState title="Loading comments…" compact />;
  if (comments.length === 0)
    return (
      <EmptyState title="No comments yet" compact>
        Comments on the Facebook post appear here as they arrive, each with what Voluntree understood.
      </EmptyState>
    );
  return (
    <div className="stack">
      {error && <ErrorAlert error={error} />}
      <NeedsReview eventId={props.eventId} />
      <table className="table" aria-label="Comments">
        <thead>
          <tr>
            <th>From</th>
            <th>Comment</th>
            <th>Understood as</th>
            <th>Done</th>
          </tr>
        </thead>
        <tbody>
          {comments.map((c) => {
            const intent = c.correctedIntent ?? c.intent;
            return (
              <tr key={c.id} data-testid="comment-row">
                <td data-comment={c.id}>
                  <div className="signup-name">
                    <UserText text={c.authorName ?? 'Someone'} />
                  </div>
                  <div className="time">{formatWhen(c.createdAt)}</div>
                </td>
                <td className={c.state === 'removed' ? 'muted' : ''}>
                  <UserText text={c.message} />
                  {c.state !== 'active' && <span className="badge warn">{c.state === 'removed' ? 'deleted' : 'edited'}</span>}
                </td>
                <td>
                  <div className="row">
                    <select
                      className="select intent-select"
                      aria-label={`Intent of the comment by ${c.authorName ?? 'someone'}`}
                      value={intent ?? ''}
                      disabled={saving === c.id || c.state === 'removed'}
                      onChange={(x) => void correct(c.id, x.target.value as IntentName)}
                    >
                      {intent === null && <option value="">—</option>}
                      {INTENTS.map((i) => (
                        <option key={i} value={i}>
                          {i}
                        </option>
                      ))}
                    </select>
                    {c.correctedIntent ? (
                      <span className="badge ok">corrected</span>
                    ) : (
                      c.confidence !== null && <span className="confidence">{Math.round(c.confidence * 100)}%</span>
                    )}
                  </div>
                </td>
                <td className="small">
                  <span className="muted">{c.action ? (ACTION_TEXT[c.action] ?? c.action) : '—'}</span>
                  {c.replyProblems.map((p, i) => (
                    <div key={i} className="reply-problem" role="note" aria-label={`${CHANNEL_TEXT[p.channel]} not sent`}>
                      <span className="badge warn">{CHANNEL_TEXT[p.channel]} not sent</span> {p.reason}
                    </div>
                  ))}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
