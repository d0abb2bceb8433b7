import type { InboxItem } from '@contract/events';
import { useState } from 'react';
import { Card, PageHeader } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { formatWhen } from '../../lib/format';
import { useAction } from '../../lib/use-action';
import { useInbox, useStores } from '../../stores/stores';

function Question(props: { item: InboxItem }) {
  const { bridge, inbox } = useStores();
  const q = props.item;
  const [answer, setAnswer] = useState(q.suggestedAnswer ?? '');
  const [channel, setChannel] = useState<'public' | 'private' | 'both'>('public');
  const send = useAction(async () => inbox.getState().replace(await bridge.api.invoke('inbox.answer', { id: q.id, message: answer.trim(), channel })));
  const dismiss = useAction(async () => inbox.getState().replace(await bridge.api.invoke('inbox.dismiss', { id: q.id })));
  return (
    <li data-testid="inbox-item" data-question={q.id}>
      <div className="stack">
        <div className="list-item-head">
          <div>
            <strong>
              <UserText text={q.volunteerName ?? 'Someone'} />
            </strong>{' '}
            <span className="muted">
              on <UserText text={q.eventTitle} />
            </span>
          </div>
          <span className="time">{formatWhen(q.createdAt)}</span>
        </div>
        <blockquote className="question">
          <UserText text={q.question} />
        </blockquote>
        <label className="visually-hidden" htmlFor={`answer-${q.id}`}>
          Answer to {q.volunteerName ?? 'this question'}
        </label>
        <textarea id={`answer-${q.id}`} className="textarea" rows={2} value={answer} placeholder="Write an answer…" onChange={(e) => setAnswer(e.target.value)} />
        {q.suggestedAnswer && <div className="small muted">Suggested from the event’s {q.suggestedFrom.join(', ')}. Check it before sending.</div>}
        <div className="row">
          <button type="button" className="btn primary" disabled={!answer.trim() || send.pending} onClick={() => void send.run()}>
            {send.pending ? 'Sending…' : 'Send answer'}
          </button>
          <select className="select intent-select" aria-label="Where to answer" value={channel} onChange={(e) => setChannel(e.target.value as typeof channel)}>
            <option value="public">Under the comment</option>
            <option value="private">In Messenger</option>
            <option value="both">Both</option>
          </select>
          <button type="button" className="btn ghost" disabled={dismiss.pending} onClick={() => void dismiss.run()}>
            Dismiss
          </button>
        </div>
        {(send.error ?? dismiss.error) && <ErrorAlert error={send.error ?? dismiss.error} />}
      </div>
    </li>
  );
}

/** Questions from comments, each with a suggested answer to send or dismiss. */
export function InboxScreen() {
  const items = useInbox((s) => s.items);
  const loaded = useInbox((s) => s.loaded);
  const error = useInbox((s) => s.error);
  const { inbox } = useStores();
  return (
    <div className="page">
      <PageHeader title="Inbox" description="Questions people asked in comments. Answer them here; the reply goes out once." />
      {error && <ErrorAlert title="The inbox could not be loaded" error={error} onRetry={() => void inbox.getState().load()} />}
      <Card title={`Open questions (${items.length})`} flush>
        {loaded && items.length === 0 ? (
          <EmptyState title="No questions waiting">When someone asks something in a comment, it lands here with a suggested answer.</EmptyState>
        ) : (
          <ul className="list">
            {items.map((i) => (
              <Question key={i.id} item={i} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
