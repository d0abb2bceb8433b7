import type { BackupInfo } from '@contract/data';
import type { Settings } from '@contract/system';
import { useCallback, useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { Card } from '../../components/card';
import { ErrorAlert } from '../../components/feedback';
import { formatWhen } from '../../lib/format';
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
      <Backups />
    </Card>
  );
}

/** Where the data lives, its backups, and a full export the coordinator can keep elsewhere. */
function Backups() {
  const { bridge } = useStores();
  const [data, setData] = useState<{ folder: string; backups: BackupInfo[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    () =>
      bridge.api
        .invoke('data.backups', {})
        .then(setData)
        .catch((err: unknown) => setError(toApiError(err).message)),
    [bridge],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const backup = useAction(async () => {
    await bridge.api.invoke('data.backupNow', {});
    await load();
  });
  const exportAll = useAction(() => bridge.api.invoke('data.exportAll', {}));
  return (
    <div className="stack backups">
      <h3>Data folder</h3>
      {error && <ErrorAlert error={error} />}
      {data && (
        <dl className="kv">
          <dt>Folder</dt>
          <dd className="mono">{data.folder}</dd>
          <dt>Latest backup</dt>
          <dd>{data.backups[0] ? `${formatWhen(data.backups[0].createdAt)} (${data.backups.length} kept)` : 'None yet'}</dd>
        </dl>
      )}
      <div className="row">
        <button type="button" className="btn" disabled={backup.pending} onClick={() => void backup.run()}>
          {backup.pending ? 'Backing up…' : 'Back up now'}
        </button>
        <button type="button" className="btn" disabled={exportAll.pending} onClick={() => void exportAll.run()}>
          {exportAll.pending ? 'Exporting…' : 'Export everything (JSON + CSV)'}
        </button>
      </div>
      {exportAll.done && <div className="muted">Exported. Look in the data folder’s exports.</div>}
      {(backup.error ?? exportAll.error) && <ErrorAlert error={backup.error ?? exportAll.error} />}
    </div>
  );
}
