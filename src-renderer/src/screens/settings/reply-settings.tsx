import type { ReplyTemplates, TemplateKey } from '@contract/events';
import { useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { Card } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';

const VARIABLES = ['{firstName}', '{event}', '{slot}', '{date}', '{time}', '{location}', '{position}'];

const LABELS: Partial<Record<TemplateKey, string>> = {
  'signup.public': 'Signup — public reply',
  'signup.private': 'Signup — Messenger',
  'signup.public.returning': 'Signup, returning volunteer — public reply',
  'signup.private.returning': 'Signup, returning volunteer — Messenger',
  'waitlist.public': 'Waitlist — public reply',
  'waitlist.private': 'Waitlist — Messenger',
  'cancel.public': 'Cancellation — public reply',
  'cancel.private': 'Cancellation — Messenger',
  'promoted.private': 'Off the waitlist — Messenger',
  'confirm.yes': 'Answer to “Yes, I’m coming”',
  'confirm.no': 'Answer to “No, I can’t”',
  'email.code': 'Email confirmation code',
  'email.saved': 'Email confirmed',
};

/** What Voluntree says for each situation; first-time and returning volunteers get their own texts. */
export function ReplySettings() {
  const { bridge } = useStores();
  const [texts, setTexts] = useState<ReplyTemplates | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    bridge.api
      .invoke('templates.get', {})
      .then(setTexts)
      .catch((err: unknown) => setLoadError(toApiError(err).message));
  }, [bridge]);
  const save = useAction(async () => {
    if (texts) setTexts(await bridge.api.invoke('templates.set', { templates: texts }));
  });
  if (loadError) return <ErrorAlert title="Reply texts could not be loaded" error={loadError} />;
  if (!texts) return <EmptyState title="Loading reply texts…" compact />;
  const keys = Object.keys(texts) as TemplateKey[];
  return (
    <Card title="Reply templates" hint={`What Voluntree answers in public and in Messenger. You can use ${VARIABLES.join(', ')}.`}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        {keys.map((key) => (
          <Field key={key} label={LABELS[key] ?? key} error={texts[key]?.trim() ? null : 'An empty reply would send nothing; write a short text.'}>
            {({ id, describedBy, invalid }) => (
              <textarea
                id={id}
                className="textarea"
                rows={2}
                maxLength={2000}
                value={texts[key] ?? ''}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => {
                  setTexts({ ...texts, [key]: e.target.value });
                  save.reset();
                }}
              />
            )}
          </Field>
        ))}
        {save.error && <ErrorAlert title="Not saved" error={save.error} />}
        <div className="row">
          <button type="submit" className="btn primary" disabled={save.pending || keys.some((k) => !texts[k]?.trim())}>
            {save.pending ? 'Saving…' : 'Save replies'}
          </button>
          {save.done && <span className="muted">Saved.</span>}
        </div>
      </form>
    </Card>
  );
}
