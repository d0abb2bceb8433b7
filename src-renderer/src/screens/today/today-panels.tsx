import { Card } from '../../components/card';
import { EmptyState, FillBar } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { formatRange, formatWhen } from '../../lib/format';
import { href } from '../../lib/router';
import { useEvents, useInbox, useSignups } from '../../stores/stores';

/** Signups as they arrive this session, newest first, with whether the person is returning. */
export function LiveSignups() {
  const recent = useSignups((s) => s.recent);
  return (
    <Card title="Live signups" hint="They appear as people comment, without reloading" flush labelledBy="today-live">
      {recent.length === 0 ? (
        <EmptyState title="Waiting for the first signup" compact>
          Publish an event’s post; each signup appears here the moment the comment arrives.
        </EmptyState>
      ) : (
        <ul className="list scroll-list" data-testid="live-signups">
          {recent.map((s) => (
            <li key={`${s.signupId}-${s.kind}-${s.at}`} className="arrived" data-testid="live-signup">
              <div className="list-item-head">
                <span className="signup-line">
                  <a className="signup-name" href={href('volunteers', s.volunteerId)}>
                    <UserText text={s.volunteerName} />
                  </a>
                  {s.returning ? <span className="badge returning">returning</span> : <span className="badge new">first time</span>}
                  {s.kind === 'cancelled' ? (
                    <span className="badge bad">cancelled</span>
                  ) : s.kind === 'promoted' ? (
                    <span className="badge ok">off the waitlist</span>
                  ) : (
                    s.waitlisted && <span className="badge waitlist">waitlist</span>
                  )}
                </span>
                <span className="time">{formatWhen(s.at)}</span>
              </div>
              <div className="small muted">
                <UserText text={`${s.eventTitle} · ${s.slotTitle}${s.partySize > 1 ? ` · ${s.partySize} people` : ''}`} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Each upcoming event's fill bar, with its waitlist. */
export function EventFill() {
  const events = useEvents((s) => s.events);
  const upcoming = events.filter((e) => e.status !== 'failed' && e.slots.some((s) => Date.parse(s.end) > Date.now())).slice(0, 6);
  return (
    <Card
      title="Events filling up"
      flush
      actions={
        <a className="btn small" href={href('events')}>
          All events
        </a>
      }
    >
      {upcoming.length === 0 ? (
        <EmptyState
          title="No upcoming events"
          compact
          action={
            <a className="btn primary" href={href('events', 'new')}>
              Create an event
            </a>
          }
        />
      ) : (
        <ul className="list">
          {upcoming.map((e) => (
            <li key={e.id} data-testid="event-fill">
              <div className="list-item-head">
                <a href={href('events', e.id)} className="signup-name user-text">
                  {e.title}
                </a>
                <span className="time">{e.slots[0] ? formatRange(e.slots[0].start) : ''}</span>
              </div>
              <FillBar taken={e.counts.signedUp} capacity={e.counts.capacity} waitlist={e.counts.waitlisted} label={`${e.title} filled`} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The first few open questions, with the way to the inbox. */
export function Questions() {
  const items = useInbox((s) => s.items);
  return (
    <Card
      title={`Questions (${items.length})`}
      flush
      actions={
        <a className="btn small" href={href('inbox')}>
          Open inbox
        </a>
      }
    >
      {items.length === 0 ? (
        <EmptyState title="No questions waiting" compact />
      ) : (
        <ul className="list">
          {items.slice(0, 4).map((q) => (
            <li key={q.id}>
              <strong>
                <UserText text={q.volunteerName ?? 'Someone'} />
              </strong>
              <div className="small">
                <UserText text={q.question} />
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
