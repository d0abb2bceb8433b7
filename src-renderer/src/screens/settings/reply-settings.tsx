import type { Settings } from '@contract/system';
import { useState } from 'react';
import { Card } from '../../components/card';
import { EmptyState } from '../../components/feedback';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { SaveRow } from './save-row';

const VARIABLES = ['{firstName}', '{event}', '{slot}', '{date}'];

/** "signup.returning" → "Signup (returning)": template keys are the engine's, labels are the coordinator's. */
function labelFor(key: string): string {
  const [head = key, ...rest] = key.split(/[._-]/);
  const words = head.replace(/([a-z])([A-Z])/g, '$1 $2');
  const name = words.charAt(0).toUpperCase() + words.slice(1);
  return rest.length ? `${name} (${rest.join(' ')})` : name;
}

export function ReplySettings(props: { settings: Settings }) {
  const { system } = useStores();
  const [texts, setTexts] = useState<Record<string, string>>(props.settings.replyTemplates);
  const keys = Object.keys(texts).sort();
  const save = useAction(() => system.getState().saveSettings({ replyTemplates: texts }));
  return (
    <Card title="Reply templates" hint={`What Voluntree answers in public and in Messenger. You can use ${VARIABLES.join(', ')}.`}>
      {keys.length === 0 ? (
        <EmptyState title="No reply templates yet" compact>
          The default replies appear here once the signup pipeline is running; then you can edit each one.
        </EmptyState>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          {keys.map((key) => (
            <Field key={key} label={labelFor(key)} error={texts[key]?.trim() ? null : 'An empty reply would send nothing; write a short text.'}>
              {({ id, describedBy, invalid }) => (
                <textarea
                  id={id}
                  className="textarea"
                  rows={3}
                  maxLength={2000}
                  value={texts[key] ?? ''}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onChange={(e) => setTexts({ ...texts, [key]: e.target.value })}
                />
              )}
            </Field>
          ))}
          <SaveRow {...save} disabled={keys.some((k) => !texts[k]?.trim())} label="Save replies" />
        </form>
      )}
    </Card>
  );
}
