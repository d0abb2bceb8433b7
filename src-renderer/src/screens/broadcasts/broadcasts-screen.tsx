import type { BroadcastChannel, BroadcastDetail, BroadcastRecipient, BroadcastView } from '@contract/broadcasts';
import { useEffect, useMemo, useState } from 'react';
import { toApiError } from '../../bridge';
import { Card, PageHeader } from '../../components/card';
import { EmptyState, ErrorAlert, ProgressBar } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { formatWhen } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useAction } from '../../lib/use-action';
import { useBroadcasts, useEvents, useStores } from '../../stores/stores';

const CHANNEL: Record<BroadcastChannel, string> = { messenger: 'Messenger', template: 'Messenger (update template)', email: 'Email', none: 'Cannot be reached' };

function newKey(): string {
  return crypto.randomUUID();
}

function Compose() {
  const { bridge, broadcasts } = useStores();
  const events = useEvents((s) => s.events);
  const [eventId, setEventId] = useState('');
  const [includeWaitlist, setIncludeWaitlist] = useState(false);
  const [message, setMessage] = useState('');
  const [recipients, setRecipients] = useState<BroadcastRecipient[] | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  // One key per composed message: a double click or a retry sends it once.
  const [key, setKey] = useState(newKey);
  useEffect(() => {
    if (!eventId && events[0]) setEventId(events[0].id);
  }, [events, eventId]);
  useEffect(() => {
    if (!eventId) return;
    setRecipients(null);
    bridge.api
      .invoke('broadcasts.preview', { eventId, includeWaitlist })
      .then((r) => {
        setRecipients(r.recipients);
        setPreviewError(null);
      })
      .catch((err: unknown) => setPreviewError(toApiError(err).message));
  }, [bridge, eventId, includeWaitlist]);
  const send = useAction(async () => {
    const b = await bridge.api.invoke('broadcasts.send', { eventId, includeWaitlist, message: message.trim(), idempotencyKey: key });
    broadcasts.getState().upsert(b);
    setMessage('');
    setKey(newKey());
    navigate('broadcasts', b.id);
  });
  const reachable = recipients?.filter((r) => r.channel !== 'none').length ?? 0;

  if (events.length === 0)
    return (
      <Card title="New update">
        <EmptyState title="No events yet" action={<a className="btn primary" href={href('events', 'new')}>Create an event</a>}>
          Updates go to the people signed up for an event.
        </EmptyState>
      </Card>
    );
  return (
    <Card title="New update" hint="Sent to each person signed up, by the best way to reach them.">
      <form
        className="stack"
        aria-label="New update"
        onSubmit={(e) => {
          e.preventDefault();
          if (message.trim() && reachable > 0) void send.run();
        }}
      >
        <div className="form-grid">
          <label className="field">
            <span className="label">Event</span>
            <select className="select" value={eventId} onChange={(e) => setEventId(e.target.value)}>
              {events.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.title}
                </option>
              ))}
            </select>
          </label>
          <label className="row checkbox-field">
            <input type="checkbox" checked={includeWaitlist} onChange={(e) => setIncludeWaitlist(e.target.checked)} /> Include people on the waitlist
          </label>
          <label className="field wide">
            <span className="label">Message</span>
            <textarea className="textarea" maxLength={2000} value={message} placeholder="e.g. We meet at the north gate; bring gloves if you have them." onChange={(e) => setMessage(e.target.value)} />
          </label>
        </div>
        {previewError && <ErrorAlert title="Who receives it could not be worked out" error={previewError} />}
        {recipients && (
          <details className="recipients" open={recipients.length <= 8}>
            <summary data-testid="recipient-summary">
              {recipients.length === 0 ? 'Nobody is signed up yet.' : `${reachable} of ${recipients.length} people will receive it`}
            </summary>
            <ul className="list">
              {recipients.map((r) => (
                <li key={r.volunteerId} className="list-item-head">
                  <UserText text={r.name} />
                  <span className="small muted">
                    <span className={`badge ${r.channel === 'none' ? 'bad' : ''}`}>{CHANNEL[r.channel]}</span> {r.reason}
                  </span>
                </li>
              ))}
            </ul>
          </details>
        )}
        {send.error && <ErrorAlert title="Not sent" error={send.error} />}
        <div className="row">
          <button type="submit" className="btn primary" disabled={!message.trim() || reachable === 0 || send.pending}>
            {send.pending ? 'Sending…' : `Send to ${reachable} ${reachable === 1 ? 'person' : 'people'}`}
          </button>
        </div>
      </form>
    </Card>
  );
}

function BroadcastProgress(props: { b: BroadcastView }) {
  const { total, sent, failed, skipped } = props.b.counts;
  const done = sent + failed + skipped;
  return (
    <div className="stack tight">
      <ProgressBar value={done} max={Math.max(total, 1)} tone={failed ? 'warn' : 'ok'} label={`Delivery of the update to ${props.b.eventTitle}`} />
      <div className="small muted num" data-testid="broadcast-counts">
        {props.b.status === 'sending' ? 'Sending… ' : ''}
        {sent} sent{failed ? ` · ${failed} failed` : ''}
        {skipped ? ` · ${skipped} skipped` : ''} · {total} in all
      </div>
    </div>
  );
}

function BroadcastDetailCard(props: { id: string }) {
  const { bridge } = useStores();
  const summary = useBroadcasts((s) => s.broadcasts.find((b) => b.id === props.id));
  const [detail, setDetail] = useState<BroadcastDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const countsKey = summary ? JSON.stringify(summary.counts) : '';
  useEffect(() => {
    bridge.api
      .invoke('broadcasts.get', { id: props.id })
      .then(setDetail)
      .catch((err: unknown) => setError(toApiError(err).message));
  }, [bridge, props.id, countsKey]);
  const b = summary ?? detail;
  if (error && !b) return <ErrorAlert error={error} />;
  if (!b) return <EmptyState title="Loading…" compact />;
  return (
    <Card title={<span className="user-text">Update to {b.eventTitle}</span>} hint={`Sent ${formatWhen(b.createdAt)}`}>
      <div className="stack" data-testid="broadcast-detail">
        <div className="post-preview">
          <UserText text={b.message} />
        </div>
        <BroadcastProgress b={b} />
        {!detail && !error && <p className="small muted">Loading who it went to…</p>}
        {!detail && error && <ErrorAlert title="Delivery per person could not be loaded" error={error} />}
        {detail && (
          <table className="table" aria-label="Delivery per person">
            <thead>
              <tr>
                <th>Person</th>
                <th>By</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {detail.deliveries.map((d) => (
                <tr key={d.volunteerId}>
                  <td>
                    <UserText text={d.name} />
                  </td>
                  <td className="small">{CHANNEL[d.channel]}</td>
                  <td>
                    <span className={`badge ${d.status === 'sent' ? 'ok' : d.status === 'failed' ? 'bad' : d.status === 'skipped' ? 'warn' : ''}`}>{d.status}</span>
                    {d.error && <div className="small muted">{d.error}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}

/** Compose an update for an event's volunteers, watch it go out, and look back at what was sent. */
export function BroadcastsScreen(props: { params: string[] }) {
  const list = useBroadcasts((s) => s.broadcasts);
  const loaded = useBroadcasts((s) => s.loaded);
  const error = useBroadcasts((s) => s.error);
  const current = props.params[0];
  const sorted = useMemo(() => list, [list]);
  return (
    <div className="page">
      <PageHeader title="Broadcasts" description="Send an update to everyone signed up for an event." />
      {error && <ErrorAlert title="Sent updates could not be loaded" error={error} />}
      <div className="grid-2">
        <div className="stack">
          {current && <BroadcastDetailCard key={current} id={current} />}
          <Compose />
        </div>
        <Card title="Sent updates" flush>
          {loaded && sorted.length === 0 ? (
            <EmptyState title="No updates sent yet" compact>
              Updates you send appear here with how each was delivered.
            </EmptyState>
          ) : (
            <ul className="list master-list">
              {sorted.map((b) => (
                <li key={b.id}>
                  <a className="item" href={href('broadcasts', b.id)} aria-current={b.id === current ? 'true' : undefined}>
                    <div className="list-item-head">
                      <strong className="user-text">{b.eventTitle}</strong>
                      <span className="time">{formatWhen(b.createdAt)}</span>
                    </div>
                    <div className="small muted user-text">{b.message.length > 90 ? `${b.message.slice(0, 90)}…` : b.message}</div>
                    <BroadcastProgress b={b} />
                  </a>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
