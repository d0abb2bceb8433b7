import { ROSTER_FILE_MAX_TEXT, ROSTER_REJECTED_LISTED, rosterFileProblem } from '@contract/roster-limits';
import type { ImportResult } from '@contract/volunteers';
import { useState } from 'react';
import { Card } from '../../components/card';
import { ErrorAlert, ProgressBar } from '../../components/feedback';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';

/**
 * The file's bytes as base64, so the engine sees them as saved and can tell UTF-8 from UTF-16
 * or Windows-1252 (`File.text()` would read every file as UTF-8 and turn other bytes into "�").
 */
function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(',') + 1));
    reader.onerror = () => reject(new Error(`${file.name} could not be read: ${reader.error?.message ?? 'unknown error'}`));
    reader.readAsDataURL(file);
  });
}

/** Import a roster spreadsheet: preview first (what is added, updated, rejected and why), then import. */
export function CsvImport(props: { onClose: () => void }) {
  const { bridge, volunteers } = useStores();
  const [file, setFile] = useState<string | null>(null);
  const [fileName, setFileName] = useState('');
  const [tooBig, setTooBig] = useState<string | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const preview = useAction(async (f: File) => {
    const base64 = await fileAsBase64(f);
    setFile(base64);
    setResult(await bridge.api.invoke('volunteers.importCsv', { file: base64, dryRun: true }));
  });
  const commit = useAction(async () => {
    if (!file) return;
    setResult(await bridge.api.invoke('volunteers.importCsv', { file, dryRun: false }));
    await volunteers.getState().search();
  });
  const busy = preview.pending || commit.pending;
  return (
    <Card
      title="Import volunteers from a spreadsheet"
      hint={`Save your sheet as CSV (at most ${ROSTER_FILE_MAX_TEXT}). Columns are recognised by their names: Name (or First name + Last name), Email, Tags, Notes, Facebook id.`}
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
              setFileName(f.name);
              setFile(null);
              setResult(null);
              // Checked here, before anything is sent: the engine would refuse it anyway, after the upload.
              const problem = rosterFileProblem(f.name, f.size);
              setTooBig(problem);
              if (!problem) void preview.run(f);
            }}
          />
        </label>
        {busy && <ProgressBar label={commit.pending ? 'Importing' : 'Reading the file'} />}
        {tooBig && <ErrorAlert title="The file could not be imported" error={tooBig} />}
        {(preview.error ?? commit.error) && <ErrorAlert title="The file could not be imported" error={preview.error ?? commit.error} />}
        {result && (
          <div className="stack" data-testid="import-report">
            <div className={`alert ${result.dryRun ? 'info' : 'success'}`} role="status">
              <div className="stack tight">
                <div className="alert-title">
                  {result.dryRun ? `Preview of ${fileName}` : 'Imported'}: {result.created} new, {result.updated} updated, {result.rejectedTotal} rejected
                </div>
                {result.encoding && (
                  <div className="small" data-testid="import-encoding">
                    Read as {result.encoding}
                    {result.encoding === 'Windows-1252' && '. If letters look wrong, save the sheet as "CSV UTF-8" and choose it again.'}
                  </div>
                )}
                {result.notices.map((n) => (
                  <div key={n} className="small">
                    {n}
                  </div>
                ))}
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
                      <td className="small muted user-text">{r.excerpt}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {result.rejectedTotal > result.rejected.length && (
              <div className="muted" data-testid="rejected-more">
                …and {result.rejectedTotal - result.rejected.length} more rejected rows (the first {ROSTER_REJECTED_LISTED} are listed).
              </div>
            )}
            {result.dryRun && (
              <div className="row">
                <button type="button" className="btn primary" disabled={busy || result.accepted === 0} onClick={() => void commit.run()}>
                  Import {result.accepted} {result.accepted === 1 ? 'volunteer' : 'volunteers'}
                </button>
                {result.rejectedTotal > 0 && <span className="muted">Rejected rows are skipped; fix them in the sheet and import again.</span>}
              </div>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
