import type { EventView, SignupView } from '@contract/events';
import { useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { EmptyState, ErrorAlert, FillBar } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { downloadText } from '../../lib/download';
import { href } from '../../lib/router';
import { useSignups, useStores } from '../../stores/stores';

function Person(props: { s: SignupView }) {
  return (
    <span className="signup-line">
      <a href={href('volunteers', props.s.volunteerId)} className="signup-name">
        <UserText text={props.s.volunteerName} />
      </a>
      {props.s.partySize > 1 && <span className="badge">+{props.s.partySize - 1}</span>}
      {props.s.returning ? <span className="badge returning">returning</span> : <span className="badge new">first time</span>}
    </span>
  );
}

/** Who is coming, slot by slot: move, remove, mark attendance, add by hand, export. */
export function SignupsPanel(props: { event: EventView }) {
  const { bridge, signups } = useStores();
  const data = useSignups((s) => s.byEvent[props.event.id]);
  const loadError = useSignups((s) => s.errors[props.event.id]);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [slotId, setSlotId] = useState(props.event.defaultSlotId);
  useEffect(() => {
    void signups.getState().loadEvent(props.event.id);
  }, [signups, props.event.id]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setError(null);
      await signups.getState().loadEvent(props.event.id);
    } catch (err) {
      setError(toApiError(err).message);
    }
  };

  if (loadError && !data) return <ErrorAlert title="Signups could not be loaded" error={loadError} onRetry={() => void signups.getState().loadEvent(props.event.id)} />;
  if (!data) return <EmptyState title="Loading signups…" compact />;
  const total = data.slots.reduce((n, s) => n + s.signups.length + s.waitlist.length, 0);

  return (
    <div className="stack">
      {error && <ErrorAlert error={error} />}
      <form
        className="row"
        aria-label="Add a signup"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) void act(() => bridge.api.invoke('signups.add', { eventId: props.event.id, slotId, name: name.trim() })).then(() => setName(''));
        }}
      >
        <input className="input grow" placeholder="Add someone by name…" aria-label="Name to sign up" value={name} onChange={(e) => setName(e.target.value)} />
        <select className="select intent-select" aria-label="Slot" value={slotId} onChange={(e) => setSlotId(e.target.value)}>
          {props.event.slots.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
        <button type="submit" className="btn" disabled={!name.trim()}>
          Sign up
        </button>
        <button
          type="button"
          className="btn"
          onClick={() =>
            void bridge.api
              .invoke('signups.export', { eventId: props.event.id })
              .then((r) => downloadText(r.filename, r.csv))
              .catch((err: unknown) => setError(toApiError(err).message))
          }
        >
          Export CSV
        </button>
      </form>
      {total === 0 && (
        <EmptyState title="Nobody has signed up yet" compact>
          {props.event.status === 'published' ? 'Signups appear here the moment people comment on the post.' : 'Publish the post, or add people by name above.'}
        </EmptyState>
      )}
      {data.slots.map((slot) => (
        <section key={slot.slotId} className="card" aria-label={`Slot ${slot.title}`}>
          <div className="card-header">
            <h3>{slot.title}</h3>
            <div className="fill-narrow">
              <FillBar taken={slot.taken} capacity={slot.capacity} waitlist={slot.waitlist.length} label={`${slot.title} filled`} />
            </div>
          </div>
          {slot.signups.length > 0 && (
            <table className="table" aria-label={`Signed up for ${slot.title}`}>
              <thead>
                <tr>
                  <th>Volunteer</th>
                  <th>Confirmed</th>
                  <th>Came</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {slot.signups.map((s) => (
                  <tr key={s.id} data-testid="signup-row">
                    <td>
                      <Person s={s} />
                    </td>
                    <td className="small muted">{s.confirmation.replace('_', ' ')}</td>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`${s.volunteerName} came`}
                        checked={s.attended === true}
                        onChange={(e) => void act(() => bridge.api.invoke('signups.markAttendance', { marks: [{ signupId: s.id, attended: e.target.checked }] }))}
                      />
                    </td>
                    <td className="row">
                      {props.event.slots.length > 1 && (
                        <select
                          className="select intent-select"
                          aria-label={`Move ${s.volunteerName} to`}
                          value={slot.slotId}
                          onChange={(e) => void act(() => bridge.api.invoke('signups.move', { signupId: s.id, slotId: e.target.value }))}
                        >
                          {props.event.slots.map((o) => (
                            <option key={o.id} value={o.id}>
                              {o.title}
                            </option>
                          ))}
                        </select>
                      )}
                      <button type="button" className="btn small danger" onClick={() => void act(() => bridge.api.invoke('signups.remove', { signupId: s.id }))}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {slot.waitlist.length > 0 && (
            <div className="card-body">
              <h3 className="small muted">Waitlist (first in line is promoted when a place frees up)</h3>
              <ol className="list">
                {slot.waitlist.map((s) => (
                  <li key={s.id} className="list-item-head">
                    <Person s={s} />
                    <button type="button" className="btn small danger" onClick={() => void act(() => bridge.api.invoke('signups.remove', { signupId: s.id }))}>
                      Remove
                    </button>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </section>
      ))}
    </div>
  );
}
