import type { DeadLetter, DeadLetterStage } from '@contract/dead-letters';
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { Card } from '../../components/card';
import { EmptyState, ErrorAlert, Notice } from '../../components/feedback';
import { UserText } from '../../components/user-text';
import { formatWhen, plural } from '../../lib/format';
import { useStores, useSystem } from '../../stores/stores';
import { createDeadLettersStore, DEAD_LETTERS_SHOWN } from './dead-letters-store';

const STAGE_TEXT: Record<DeadLetterStage, string> = {
  preprocess: 'reading it',
  classifier: 'classifying it',
  recorder: 'recording it',
  other: 'processing it',
};

/** Settings → Model: comments and messages no stage could process, with Retry and Discard. */
export function DeadLettersCard() {
  const { bridge } = useStores();
  const store = useMemo(() => createDeadLettersStore(bridge.api), [bridge]);
  const s = useStore(store);
  // Health is pushed live; reload when its count of dead-lettered entries moves.
  const deadCount = useSystem((h) => h.health?.streams['stream:dead']?.length ?? null);
  useEffect(() => {
    void store.getState().load();
  }, [store, deadCount]);

  const ids = s.entries.map((e) => e.id);
  const retryable = s.entries.filter((e) => e.retryable).map((e) => e.id);
  return (
    <Card
      title="Not processed"
      hint="Comments and messages Voluntree gave up on after several tries. Retry puts them back in line once the cause is fixed; Discard deletes them."
    >
      <div className="stack" data-testid="dead-letters">
        {s.loadError && <ErrorAlert title="The list could not be loaded" error={s.loadError} onRetry={() => void store.getState().load()} />}
        {s.actionError && <ErrorAlert title="That did not work" error={s.actionError} />}
        {s.outcome && <Notice kind="info" title={s.outcome} />}
        {s.loaded && s.total === 0 ? (
          <EmptyState compact title="Everything was processed" />
        ) : (
          <>
            <div className="row between">
              <span>
                {plural(s.total, 'entry', 'entries')} could not be processed
                {s.total > s.entries.length && <span className="muted"> (the newest {DEAD_LETTERS_SHOWN} are shown)</span>}
              </span>
              <div className="row">
                <button type="button" className="btn small" disabled={retryable.length === 0 || s.busy.size > 0} onClick={() => void store.getState().retry(retryable)}>
                  Retry all shown
                </button>
                <button type="button" className="btn small danger" disabled={ids.length === 0 || s.busy.size > 0} onClick={() => void store.getState().discard(ids)}>
                  Discard all shown
                </button>
              </div>
            </div>
            <table className="table">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Comment</th>
                  <th>Why</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {s.entries.map((e) => (
                  <Row key={e.id} entry={e} busy={s.busy.has(e.id)} onRetry={() => void store.getState().retry([e.id])} onDiscard={() => void store.getState().discard([e.id])} />
                ))}
              </tbody>
            </table>
          </>
        )}
      </div>
    </Card>
  );
}

function Row(props: { entry: DeadLetter; busy: boolean; onRetry: () => void; onDiscard: () => void }) {
  const e = props.entry;
  return (
    <tr data-testid="dead-letter">
      <td>{formatWhen(e.at)}</td>
      <td>
        {e.text !== null ? <UserText text={e.text} /> : <span className="muted">(no text)</span>}
        {e.author && <div className="muted">{e.author}</div>}
      </td>
      <td>
        <span className="muted">Failed while {STAGE_TEXT[e.stage]}:</span> {e.reason}
      </td>
      <td>
        <div className="row">
          <button type="button" className="btn small" disabled={props.busy || !e.retryable} onClick={props.onRetry} title={e.retryable ? undefined : 'Nothing to retry: the entry was empty'}>
            Retry
          </button>
          <button type="button" className="btn small" disabled={props.busy} onClick={props.onDiscard}>
            Discard
          </button>
        </div>
      </td>
    </tr>
  );
}
