import type { VolunteerFilter } from '@contract/volunteers';
import { useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { PageHeader } from '../../components/card';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { downloadText } from '../../lib/download';
import { formatWhen } from '../../lib/format';
import { href, navigate } from '../../lib/router';
import { useStores, useVolunteers } from '../../stores/stores';
import { CsvImport } from './csv-import';
import { VolunteerProfile } from './volunteer-profile';

const FILTERS: { id: VolunteerFilter; label: string }[] = [
  { id: 'all', label: 'Everyone' },
  { id: 'returning', label: 'Returning' },
  { id: 'activeThisMonth', label: 'Active this month' },
  { id: 'tag', label: 'With tag…' },
];

/** The roster: search, filter, open a profile, merge duplicates, import and export. */
export function VolunteersScreen(props: { params: string[] }) {
  const { bridge, volunteers: store } = useStores();
  const { query, filter, tag, items, total, loaded, error } = useVolunteers((s) => s);
  const [importing, setImporting] = useState(props.params[0] === 'import');
  const [selected, setSelected] = useState<string[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const current = props.params[0] && props.params[0] !== 'import' ? props.params[0] : null;

  useEffect(() => {
    void store.getState().search();
  }, [store]);

  // Merging cannot be undone: it asks first, naming everyone, and lets the coordinator choose
  // whose name and details stay (the earliest record by default).
  const [merging, setMerging] = useState<{ keepId: string } | null>(null);
  const [mergePending, setMergePending] = useState(false);
  const chosen = items.filter((v) => selected.includes(v.id)).sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
  const merge = async (keepId: string) => {
    const rest = chosen.filter((v) => v.id !== keepId);
    if (rest.length === 0) return;
    setMergePending(true);
    try {
      await bridge.api.invoke('volunteers.merge', { keepId, mergeIds: rest.map((r) => r.id) });
      setSelected([]);
      setMerging(null);
      setActionError(null);
      await store.getState().search();
      navigate('volunteers', keepId);
    } catch (err) {
      setMerging(null);
      setActionError(toApiError(err).message);
    } finally {
      setMergePending(false);
    }
  };

  return (
    <div className="page">
      <PageHeader
        title="Volunteers"
        description="Everyone who ever commented or was added, with their history."
        actions={
          <>
            <button type="button" className="btn" onClick={() => setImporting(true)}>
              Import CSV
            </button>
            <button
              type="button"
              className="btn"
              onClick={() =>
                void bridge.api
                  .invoke('volunteers.exportCsv', { query, filter, ...(filter === 'tag' && tag ? { tag } : {}) })
                  .then((r) => downloadText(r.filename, r.csv))
                  .catch((err: unknown) => setActionError(toApiError(err).message))
              }
            >
              Export CSV
            </button>
          </>
        }
      />
      {importing && <CsvImport onClose={() => setImporting(false)} />}
      {(error ?? actionError) && <ErrorAlert error={error ?? actionError} />}
      <div className="row" role="search">
        <input
          className="input grow"
          type="search"
          placeholder="Search by name or email…"
          aria-label="Search volunteers"
          value={query}
          onChange={(e) => void store.getState().search({ query: e.target.value })}
        />
        <select className="select intent-select" aria-label="Show" value={filter} onChange={(e) => void store.getState().search({ filter: e.target.value as VolunteerFilter })}>
          {FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
        {filter === 'tag' && (
          <input className="input tag-input" placeholder="tag" aria-label="Tag" value={tag} onChange={(e) => void store.getState().search({ tag: e.target.value })} />
        )}
        {selected.length >= 2 && (
          <button type="button" className="btn primary" onClick={() => chosen[0] && setMerging({ keepId: chosen[0].id })}>
            Merge {selected.length} into one
          </button>
        )}
        {merging && (
          <ConfirmDialog
            title={`Merge ${chosen.length} volunteers into one?`}
            confirmLabel="Merge"
            pendingLabel="Merging…"
            pending={mergePending}
            onConfirm={() => void merge(merging.keepId)}
            onCancel={() => setMerging(null)}
          >
            <p>Their signups, comments and history become one person's. This cannot be undone.</p>
            <fieldset className="stack">
              <legend>Keep the name and details of</legend>
              {chosen.map((v) => (
                <label key={v.id} className="row">
                  <input type="radio" name="merge-keep" checked={merging.keepId === v.id} onChange={() => setMerging({ keepId: v.id })} />
                  <span>
                    <UserText text={v.name} /> <span className="small muted">first seen {formatWhen(v.firstSeen)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
          </ConfirmDialog>
        )}
      </div>
      <div className="master-detail wide-master">
        <div className="card">
          {loaded && items.length === 0 ? (
            <EmptyState title={query || filter !== 'all' ? 'Nobody matches' : 'No volunteers yet'}>
              {query || filter !== 'all' ? 'Try another name or filter.' : 'People appear here when they comment on a post; you can also import your spreadsheet.'}
            </EmptyState>
          ) : (
            <table className="table" aria-label="Volunteers">
              <thead>
                <tr>
                  <th aria-label="Select" />
                  <th>Name</th>
                  <th>Events</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.id} className={v.id === current ? 'current' : ''} data-testid="volunteer-row">
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${v.name}`}
                        checked={selected.includes(v.id)}
                        onChange={(e) => setSelected(e.target.checked ? [...selected, v.id] : selected.filter((s) => s !== v.id))}
                      />
                    </td>
                    <td>
                      <a href={href('volunteers', v.id)} className="signup-name">
                        <UserText text={v.name} />
                      </a>{' '}
                      {v.returning && <span className="badge returning">returning</span>}
                      {v.tags.length > 0 && <div className="small muted">{v.tags.join(', ')}</div>}
                    </td>
                    <td className="num">{v.eventsSignedUp}</td>
                    <td className="time">{formatWhen(v.lastSeen)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {total > items.length && <div className="card-body small muted">Showing {items.length} of {total}. Search to narrow down.</div>}
        </div>
        <div>{current ? <VolunteerProfile key={current} id={current} /> : <EmptyState title="Choose a volunteer">Their history, notes and tags appear here.</EmptyState>}</div>
      </div>
    </div>
  );
}
