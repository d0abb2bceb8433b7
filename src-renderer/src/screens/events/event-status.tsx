import type { EventStatus } from '@contract/events';

const TEXT: Record<EventStatus, string> = { draft: 'Draft', scheduled: 'Scheduled', published: 'Published', failed: 'Not published' };
const KIND: Record<EventStatus, string> = { draft: '', scheduled: 'new', published: 'ok', failed: 'bad' };

export function EventStatusBadge(props: { status: EventStatus }) {
  return (
    <span className={`badge ${KIND[props.status]}`} data-testid="event-status">
      {TEXT[props.status]}
    </span>
  );
}
