import type { Settings } from '@contract/system';
import { useState } from 'react';
import { Card } from '../../components/card';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { SaveRow } from './save-row';

export function GeneralSettings(props: { settings: Settings }) {
  const { system } = useStores();
  const [name, setName] = useState(props.settings.organisationName);
  const save = useAction(() => system.getState().saveSettings({ organisationName: name }));
  return (
    <Card title="Your organisation" hint="Shown in the app and used in reply texts as {organisation}.">
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <Field label="Organisation name" error={name.trim() ? null : 'Enter the name people know you by.'}>
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" value={name} maxLength={200} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <SaveRow {...save} disabled={!name.trim()} />
      </form>
    </Card>
  );
}

export function DataSettings(props: { settings: Settings }) {
  const { system } = useStores();
  const [days, setDays] = useState(String(props.settings.backupRetentionDays));
  const n = Number(days);
  const valid = Number.isInteger(n) && n >= 1 && n <= 365;
  const save = useAction(() => system.getState().saveSettings({ backupRetentionDays: n }));
  return (
    <Card title="Data & backup" hint="Everything Voluntree knows is kept in files in its data folder on this computer.">
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void save.run();
        }}
      >
        <Field label="Keep daily backups for (days)" hint="Older backups are removed automatically." error={valid ? null : 'Enter a whole number of days from 1 to 365.'}>
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" inputMode="numeric" value={days} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => setDays(e.target.value)} />
          )}
        </Field>
        <SaveRow {...save} disabled={!valid} />
      </form>
    </Card>
  );
}
