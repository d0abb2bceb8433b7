import type { ReplyLanguage, ReplyLanguages, ReplyTemplates, TemplateKey } from '@contract/events';
import { useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { Card } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';

const VARIABLES = ['{firstName}', '{event}', '{slot}', '{date}', '{time}', '{location}', '{position}', '{open}'];

const LABELS: Partial<Record<TemplateKey, string>> = {
  'signup.public': 'Signup — public reply',
  'signup.private': 'Signup — Messenger',
  'signup.public.returning': 'Signup, returning volunteer — public reply',
  'signup.private.returning': 'Signup, returning volunteer — Messenger',
  'waitlist.public': 'Waitlist — public reply',
  'waitlist.public.open': 'Waitlist while another shift has room — public reply',
  'waitlist.private': 'Waitlist — Messenger',
  'cancel.public': 'Cancellation — public reply',
  'cancel.private': 'Cancellation — Messenger',
  'promoted.private': 'Off the waitlist — Messenger',
  'confirm.yes': 'Answer to “Yes, I’m coming”',
  'confirm.no': 'Answer to “No, I can’t”',
  'email.code': 'Email confirmation code',
  'email.saved': 'Email confirmed',
};

/**
 * What Voluntree says for each situation, per language: a comment gets the texts of the language
 * it is written in when there are some (English and Spanish ship with the app), else the Page's
 * language. First-time and returning volunteers get their own texts.
 */
export function ReplySettings() {
  const { bridge } = useStores();
  const [languages, setLanguages] = useState<ReplyLanguages | null>(null);
  const [language, setLanguage] = useState<ReplyLanguage | null>(null);
  const [texts, setTexts] = useState<ReplyTemplates | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    bridge.api
      .invoke('templates.languages', {})
      .then((l) => {
        setLanguages(l);
        setLanguage((old) => old ?? l.defaultLanguage);
      })
      .catch((err: unknown) => setLoadError(toApiError(err).message));
  }, [bridge]);
  useEffect(() => {
    if (!language) return;
    setTexts(null);
    bridge.api
      .invoke('templates.get', { language })
      .then(setTexts)
      .catch((err: unknown) => setLoadError(toApiError(err).message));
  }, [bridge, language]);
  const save = useAction(async () => {
    if (!texts || !language) return;
    setTexts(await bridge.api.invoke('templates.set', { language, templates: texts }));
    setLanguages(await bridge.api.invoke('templates.languages', {}));
  });
  const saveDefault = useAction(async (code: ReplyLanguage) => {
    setLanguages(await bridge.api.invoke('templates.setDefaultLanguage', { language: code }));
  });
  if (loadError) return <ErrorAlert title="Reply texts could not be loaded" error={loadError} />;
  if (!languages || !language) return <EmptyState title="Loading reply texts…" compact />;
  const current = languages.languages.find((l) => l.code === language);
  // Names come with the list (the contract's table), so the renderer carries no copy of it.
  const nameOf = (code: ReplyLanguage) => languages.languages.find((l) => l.code === code)?.name ?? code;
  const pageName = nameOf(languages.defaultLanguage);
  const keys = texts ? (Object.keys(texts) as TemplateKey[]) : [];
  return (
    <div className="stack">
      <Card title="Languages" hint="Voluntree answers each comment in its own language when you have texts for it, and in your Page’s language otherwise.">
        <div className="stack">
          <Field label="Your Page’s language" hint="Used for comments whose language cannot be told (emoji, “+1”) or that have no texts yet.">
            {({ id, describedBy }) => (
              <select
                id={id}
                className="select"
                aria-describedby={describedBy}
                value={languages.defaultLanguage}
                disabled={saveDefault.pending}
                onChange={(e) => void saveDefault.run(e.target.value as ReplyLanguage)}
              >
                {languages.languages.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {saveDefault.error && <ErrorAlert title="Not saved" error={saveDefault.error} />}
          <Field label="Texts to edit">
            {({ id }) => (
              <select id={id} className="select" value={language} onChange={(e) => (setLanguage(e.target.value as ReplyLanguage), save.reset())}>
                {languages.languages.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.name}
                    {l.builtIn ? '' : l.available ? ' (your texts)' : ' (not set up yet)'}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      </Card>
      {!texts ? (
        <EmptyState title="Loading reply texts…" compact />
      ) : (
        <Card
          title={`Reply texts in ${nameOf(language)}`}
          hint={
            current && !current.available
              ? `There are no ${nameOf(language)} texts yet, so these comments are answered in ${pageName}. The ${pageName} texts are filled in below: translate them and save.`
              : `What Voluntree answers in public and in Messenger. You can use ${VARIABLES.join(', ')}.`
          }
        >
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
                {save.pending ? 'Saving…' : `Save ${nameOf(language)} replies`}
              </button>
              {save.done && <span className="muted">Saved.</span>}
            </div>
          </form>
        </Card>
      )}
    </div>
  );
}
