import type { ImportResult } from '@contract/volunteers';
import { useState } from 'react';
import { Card } from '../../components/card';
import { ErrorAlert, ProgressBar } from '../../components/feedback';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';

/** Import a roster spreadsheet: preview first (what is added, updated, rejected and why), then import. */
export function CsvImport(props: { onClose: () => void }) {
  const { bridge, volunteers } = useStores();
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [result, setResult] = useState<ImportResult | null>(null);
  const preview = useAction(async (text: string) => setResult(await bridge.api.invoke('volunteers.importCsv', { csv: text, dryRun: true })));
  const commit = useAction(async () => {
    if (!csv) return;
    setResult(await bridge.api.invoke('volunteers.importCsv', { csv, dryRun: false }));
    await volunteers.getState().search();
  });
  const busy = preview.pending || commit.pending;
  return (
    <Card
      title="Import volunteers from a spreadsheet"
      hint="Save your sheet as CSV. Columns are recognised by their names: Name (or First name + Last name), Email, Tags, Notes, Facebook id."
      actions={
        <button type="button" className="btn ghost" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <div className="stack">
        <label className="field">
          <span className="label">CSV file</span>
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              const text = await f.text();
              setFileName(f.name);
              setCsv(text);
              setResult(null);
              void preview.run(text);
            }}
          />
        </label>
        {busy && <ProgressBar label={commit.pending ? 'Importing' : 'Reading the file'} />}
        {(preview.error ?? commit.error) && <ErrorAlert title="The file could not be imported" error={preview.error ?? commit.error} />}
        {result && (
          <div className="stack" data-testid="import-report">
            <div className={`alert ${result.dryRun ? 'info' : 'success'}`} role="status">
              <div className="stack tight">
                <div className="alert-title">
                  {result.dryRun ? `Preview of ${fileName}` : 'Imported'}: {result.created} new, {result.updated} updated, {result.rejected.length} rejected
                </div>
                <div className="small">
                  Columns used: {Object.entries(result.columns).map(([k, v]) => `${v} → ${k}`).join(', ') || 'none recognised'}
                </div>
              </div>
            </div>
            {result.preview.length > 0 && result.dryRun && (
              <table className="table" aria-label="Rows to import">
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Name</th>
                    <th>Email</th>
                    <th>Tags</th>
                    <th>Will</th>
                  </tr>
                </thead>
                <tbody>
                  {result.preview.map((r) => (
                    <tr key={r.line}>
                      <td className="num">{r.line}</td>
                      <td className="user-text">{r.name}</td>
                      <td className="user-text">{r.email ?? '—'}</td>
                      <td>{r.tags.join(', ')}</td>
                      <td>{r.action === 'create' ? <span className="badge new">add</span> : <span className="badge">update</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {result.rejected.length > 0 && (
              <table className="table" aria-label="Rejected rows">
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Why it was rejected</th>
                    <th>Row</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rejected.map((r) => (
                    <tr key={r.line} data-testid="rejected-row">
                      <td className="num">{r.line}</td>
                      <td>{r.reason}</td>
                      <td className="small muted user-text">{Object.values(r.raw).filter((x) => x.trim()).join(' · ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {result.dryRun && (
              <div className="row">
                <button type="button" className="btn primary" disabled={busy || result.accepted === 0} onClick={() => void commit.run()}>
                  Import {result.accepted} {result.accepted === 1 ? 'volunteer' : 'volunteers'}
                </button>
                {result.rejected.length > 0 && <span className="muted">Rejected rows are skipped; fix them in the sheet and import again.</span>}
              </div>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
