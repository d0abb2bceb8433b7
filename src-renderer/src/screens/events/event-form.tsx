import type { EventView } from '@contract/events';
import { useEffect, useState } from 'react';
import { Card } from '../../components/card';
import { ErrorAlert, Notice } from '../../components/feedback';
import { Field } from '../../components/field';
import { isoToLocal } from '../../lib/time-input';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { draftsFromSlots, slotArgsFromDrafts, slotProblem, type SlotDraft } from './slot-draft';

function nextSaturday(hour: number): string {
  const d = new Date();
  d.setDate(d.getDate() + ((6 - d.getDay() + 7) % 7 || 7));
  d.setHours(hour, 0, 0, 0);
  return isoToLocal(d.toISOString());
}

/** Create or edit an event: details, slots, and the post text people will see. */
export function EventForm(props: { event?: EventView; onDone: (event: EventView) => void; onCancel: () => void }) {
  const { bridge, events } = useStores();
  const e = props.event;
  const [title, setTitle] = useState(e?.title ?? '');
  const [location, setLocation] = useState(e?.location ?? '');
  const [description, setDescription] = useState(e?.description ?? '');
  const [slots, setSlots] = useState<SlotDraft[]>(
    e ? draftsFromSlots(e.slots) : [
      { title: 'Morning', start: nextSaturday(9), end: nextSaturday(12), capacity: '10', description: '' },
    ],
  );
  const [postText, setPostText] = useState<string | null>(e?.postTextEdited ? e.postText : null);
  const [preview, setPreview] = useState(e?.postText ?? '');
  const [tried, setTried] = useState(false);

  const slotArgs = slotArgsFromDrafts(slots);
  const problems = slots.map(slotProblem);
  const valid = title.trim().length > 0 && problems.every((p) => p === null);

  useEffect(() => {
    if (!valid) return;
    const t = setTimeout(() => {
      bridge.api
        .invoke('events.previewPost', { title, location, description, slots: slotArgs })
        .then((r) => setPreview(r.text))
        .catch(() => undefined);
    }, 300);
    return () => clearTimeout(t);
  }, [title, location, description, JSON.stringify(slotArgs), valid]);

  const save = useAction(async () => {
    const saved = e
      ? await bridge.api.invoke('events.update', { id: e.id, title, location, description, slots: slotArgs, postText })
      : await bridge.api.invoke('events.create', { title, location, description, slots: slotArgs, ...(postText ? { postText } : {}) });
    events.getState().upsert(saved);
    props.onDone(saved);
    return saved;
  });

  const setSlot = (i: number, patch: Partial<SlotDraft>) => setSlots(slots.map((s, j) => (j === i ? { ...s, ...patch } : s)));

  return (
    <form
      className="stack"
      aria-label={e ? 'Edit event' : 'New event'}
      onSubmit={(ev) => {
        ev.preventDefault();
        setTried(true);
        if (valid) void save.run();
      }}
    >
      <Card title="Details">
        <div className="form-grid">
          <Field label="Title" wide error={tried && !title.trim() ? 'Give the event a title.' : null}>
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" value={title} maxLength={200} autoFocus aria-describedby={describedBy} aria-invalid={invalid} onChange={(x) => setTitle(x.target.value)} />
            )}
          </Field>
          <Field label="Location" wide>
            {({ id }) => <input id={id} className="input" value={location} maxLength={500} onChange={(x) => setLocation(x.target.value)} />}
          </Field>
          <Field label="Description" wide hint="What volunteers will do, what to bring.">
            {({ id, describedBy }) => (
              <textarea id={id} className="textarea" value={description} maxLength={5000} aria-describedby={describedBy} onChange={(x) => setDescription(x.target.value)} />
            )}
          </Field>
        </div>
      </Card>
      <Card
        title="Slots"
        hint="People sign up for a slot by naming it in their comment; the first slot is the default."
        actions={
          <button type="button" className="btn" onClick={() => setSlots([...slots, { title: '', start: slots.at(-1)?.end ?? '', end: '', capacity: '10', description: '' }])}>
            Add a slot
          </button>
        }
      >
        <div className="stack">
          {slots.map((s, i) => (
            <fieldset key={i} className="slot-row" aria-label={`Slot ${i + 1}`}>
              <Field label="Slot title">{({ id }) => <input id={id} className="input" value={s.title} onChange={(x) => setSlot(i, { title: x.target.value })} />}</Field>
              <Field label="Starts">{({ id }) => <input id={id} className="input" type="datetime-local" value={s.start} onChange={(x) => setSlot(i, { start: x.target.value })} />}</Field>
              <Field label="Ends">{({ id }) => <input id={id} className="input" type="datetime-local" value={s.end} onChange={(x) => setSlot(i, { end: x.target.value })} />}</Field>
              <Field label="Places">
                {({ id }) => <input id={id} className="input" inputMode="numeric" value={s.capacity} onChange={(x) => setSlot(i, { capacity: x.target.value })} />}
              </Field>
              <button type="button" className="btn ghost" disabled={slots.length === 1} onClick={() => setSlots(slots.filter((_, j) => j !== i))} aria-label={`Remove slot ${i + 1}`}>
                Remove
              </button>
              <Field label="Slot description" wide hint="Optional: what this shift does, shown in the post under the slot.">
                {({ id, describedBy }) => (
                  <input id={id} className="input" value={s.description} maxLength={1000} aria-describedby={describedBy} onChange={(x) => setSlot(i, { description: x.target.value })} />
                )}
              </Field>
              {tried && problems[i] && <div className="error slot-error">{problems[i]}</div>}
            </fieldset>
          ))}
        </div>
      </Card>
      <Card
        title="Post text"
        hint="What Voluntree publishes on your Page. It follows the details above until you edit it."
        actions={
          postText !== null && (
            <button type="button" className="btn small" onClick={() => setPostText(null)}>
              Use the generated text
            </button>
          )
        }
      >
        {e && (e.status === 'published' || e.status === 'scheduled') && (
          <Notice kind="info" title="This post is already on Facebook">
            Saving changes the event in Voluntree (slots, places, replies) but not the post on your Page. If its text must
            change, edit the post on Facebook too.
          </Notice>
        )}
        <Field label="Post text" hint={postText === null ? 'Generated from the details. Type here to write your own.' : 'Your own text.'}>
          {({ id, describedBy }) => (
            <textarea
              id={id}
              className="textarea post-text"
              rows={8}
              value={postText ?? preview}
              aria-describedby={describedBy}
              onChange={(x) => setPostText(x.target.value)}
            />
          )}
        </Field>
      </Card>
      {save.error && <ErrorAlert title="The event was not saved" error={save.error} />}
      <div className="row">
        <button type="submit" className="btn primary" disabled={save.pending}>
          {save.pending ? 'Saving…' : e ? 'Save changes' : 'Create event'}
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
