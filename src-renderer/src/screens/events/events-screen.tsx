import { PageHeader } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { formatRange } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useEvents, useStores } from '../../stores/stores';
import { EventDetail } from './event-detail';
import { EventForm } from './event-form';
import { EventStatusBadge } from './event-status';

/** `#/events`, `#/events/new`, `#/events/<id>`, `#/events/<id>/edit`. */
export function EventsScreen(props: { params: string[] }) {
  const { events: store } = useStores();
  const events = useEvents((s) => s.events);
  const loaded = useEvents((s) => s.loaded);
  const error = useEvents((s) => s.error);
  const [first, second] = props.params;
  const creating = first === 'new';
  const selected = creating ? undefined : events.find((e) => e.id === first);
  const editing = second === 'edit' && selected;

  return (
    <div className="page">
      <PageHeader
        title="Events"
        description="Create an event, publish its signup post, and follow who comes."
        actions={
          <a className="btn primary" href={href('events', 'new')}>
            New event
          </a>
        }
      />
      {error && <ErrorAlert title="Events could not be loaded" error={error} onRetry={() => void store.getState().load()} />}
      <div className={`master-detail${creating || editing ? ' single' : ''}`}>
        <nav className="card master-list" aria-label="Events" hidden={Boolean(creating || editing)}>
          {loaded && events.length === 0 ? (
            <EmptyState title="No events yet" compact>
              Create your first event; Voluntree writes the signup post for you.
            </EmptyState>
          ) : (
            events.map((e) => (
              <a key={e.id} className="item" href={href('events', e.id)} aria-current={e.id === first ? 'true' : undefined}>
                <div className="list-item-head">
                  <strong className="user-text">{e.title}</strong>
                  <EventStatusBadge status={e.status} />
                </div>
                <div className="small muted">
                  {e.slots[0] ? formatRange(e.slots[0].start) : ''} · {e.counts.signedUp}/{e.counts.capacity}
                  {e.counts.waitlisted ? ` · ${e.counts.waitlisted} waiting` : ''}
                </div>
              </a>
            ))
          )}
        </nav>
        <div>
          {creating ? (
            <EventForm onDone={(e) => navigate('events', e.id)} onCancel={() => navigate('events')} />
          ) : editing ? (
            <EventForm event={selected} onDone={(e) => navigate('events', e.id)} onCancel={() => navigate('events', selected.id)} />
          ) : selected ? (
            <EventDetail event={selected} onEdit={() => navigate('events', selected.id, 'edit')} />
          ) : first && loaded ? (
            <EmptyState title="This event no longer exists">Choose another event on the left.</EmptyState>
          ) : (
            <div className="card">
              <EmptyState title={events.length ? 'Choose an event' : 'Start with an event'} action={<a className="btn primary" href={href('events', 'new')}>New event</a>}>
                {events.length ? 'Its signups, comments and post appear here.' : 'An event has one or more slots, each with a number of places.'}
              </EmptyState>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
