import type { ModelCandidate, ModelInfo, ModelReport, ModelTrainingProgress } from '@contract/model';
import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { Card } from '../../components/card';
import { EmptyState, ErrorAlert, Notice, ProgressBar } from '../../components/feedback';
import { formatWhen, plural } from '../../lib/format';
import { useStores, useSystem } from '../../stores/stores';
import { DeadLettersCard } from './dead-letters-card';
import { compareReports, INTENT_LABELS, promoteWarning, type ComparedFigure } from './model-compare';
import { createModelStore } from './model-store';

const pct = (n: number) => `${(Math.round(n * 1000) / 10).toFixed(1)}%`;
const RUNNING: readonly ModelTrainingProgress['phase'][] = ['starting', 'training', 'evaluating', 'saving'];

/** The intent model in use, its report, and retraining it with the coordinator's corrections. */
export function ModelSettings() {
  const { bridge, system } = useStores();
  const health = useSystem((s) => s.health);
  const { store, listen } = useMemo(() => createModelStore(bridge.api), [bridge]);
  const s = useStore(store);
  useEffect(() => {
    const stop = listen();
    void store.getState().load();
    return stop;
  }, [store, listen]);

  const info = s.info;
  const training = s.retrain?.training ?? null;
  const running = training !== null && RUNNING.includes(training.phase);
  const candidate = running ? null : (s.retrain?.candidate ?? null);

  const promote = async (force: boolean) => {
    const version = candidate?.version;
    if (await store.getState().promote(force)) system.getState().notify('info', `The new model (${version}) is in use.`);
  };

  return (
    <div className="stack">
      <Card title="Intent model" hint="Decides whether a comment is a signup, a cancellation, a question or something else.">
        <div className="stack">
          {s.loadError && <ErrorAlert title="The model’s details could not be loaded" error={s.loadError} onRetry={() => void store.getState().load()} />}
          <InUse info={info} fallbackVersion={health?.model.version ?? null} />
          {info?.report && (
            <details>
              <summary>Per-intent figures of the model in use</summary>
              <IntentTable report={info.report} />
            </details>
          )}
        </div>
      </Card>
      <Card title="Retrain with your corrections" hint="The model learns from the comments whose intent you changed. You see the new model’s report before it replaces the current one.">
        <div className="stack" data-testid="model-retrain">
          {s.actionError && <ErrorAlert title="That did not work" error={s.actionError} />}
          {training?.phase === 'failed' && training.message && <ErrorAlert title="Retraining failed" error={training.message} />}
          {running ? (
            <TrainingProgress training={training} onStop={() => void store.getState().discard()} stopping={s.pending === 'discard'} />
          ) : candidate ? (
            <CandidateView
              candidate={candidate}
              versionInUse={info?.version ?? null}
              pending={s.pending}
              onPromote={(force) => void promote(force)}
              onDiscard={() => void store.getState().discard()}
            />
          ) : info && info.corrections === 0 ? (
            <EmptyState title="No corrections yet">
              When the model gets a comment wrong, open the event, go to its Comments tab and change the comment’s intent. Each change is kept, and
              retraining here learns from it.
            </EmptyState>
          ) : (
            <div className="row between">
              <span className="muted">Takes a minute or so; Voluntree keeps answering comments meanwhile.</span>
              <button type="button" className="btn primary" disabled={!info || s.pending !== null} onClick={() => void store.getState().retrainNow()}>
                {info ? `Retrain with ${plural(info.corrections, 'correction')}` : 'Retrain'}
              </button>
            </div>
          )}
        </div>
      </Card>
      <DeadLettersCard />
    </div>
  );
}

function InUse(props: { info: ModelInfo | null; fallbackVersion: string | null }) {
  const { info } = props;
  const s = info?.summary;
  return (
    <dl className="kv">
      <dt>Version in use</dt>
      <dd data-testid="model-version">
        <span className="mono">{info?.version ?? props.fallbackVersion ?? 'No model loaded yet'}</span>
        {info && info.source !== 'published' && <span className="muted"> ({info.source === 'retrained' ? 'retrained here with your corrections' : 'shipped with Voluntree'})</span>}
      </dd>
      {info?.backend && (
        <>
          <dt>Runs on</dt>
          <dd>{info.backend}</dd>
        </>
      )}
      {s && (
        <>
          <dt>Quality (macro F1)</dt>
          <dd>
            {pct(s.macroF1)} <span className="muted">(a keyword baseline scores {pct(s.baselineMacroF1)})</span>
          </dd>
          <dt>Accuracy</dt>
          <dd>
            {pct(s.accuracy)} on {s.testSize} held-out comments
          </dd>
          <dt>Trained on</dt>
          <dd>
            {s.trainSize} comments{s.corrections ? ` + ${plural(s.corrections, 'correction')}` : ''}
          </dd>
        </>
      )}
      <dt>Your corrections</dt>
      <dd data-testid="model-corrections">{info ? info.corrections : '…'}</dd>
    </dl>
  );
}

function IntentTable(props: { report: ModelReport }) {
  return (
    <table className="table">
      <thead>
        <tr>
          <th>Intent</th>
          <th className="num">Precision</th>
          <th className="num">Recall</th>
          <th className="num">F1</th>
          <th className="num">Test comments</th>
        </tr>
      </thead>
      <tbody>
        {(Object.keys(INTENT_LABELS) as (keyof typeof INTENT_LABELS)[]).map((intent) => {
          const f = props.report.model.perIntent[intent];
          return (
            <tr key={intent}>
              <td>{INTENT_LABELS[intent]}</td>
              <td className="num">{pct(f.precision)}</td>
              <td className="num">{pct(f.recall)}</td>
              <td className="num">{pct(f.f1)}</td>
              <td className="num">{f.support}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const PHASE_TEXT: Record<ModelTrainingProgress['phase'], string> = {
  starting: 'Starting…',
  training: 'Training',
  evaluating: 'Checking the new model on the held-out comments…',
  saving: 'Saving the new model…',
  ready: 'Done',
  failed: 'Failed',
  cancelled: 'Stopped',
};

function TrainingProgress(props: { training: ModelTrainingProgress; onStop: () => void; stopping: boolean }) {
  const t = props.training;
  // Evaluating and saving come after the last epoch: show the bar full rather than stalled.
  const done = t.phase === 'evaluating' || t.phase === 'saving' ? t.epochs : t.epoch;
  return (
    <div className="stack" data-testid="model-training">
      <div className="row between">
        <span>
          {PHASE_TEXT[t.phase]}
          {t.phase === 'training' && (t.epoch === 0 ? ' — first epoch under way' : ` — epoch ${t.epoch} of ${t.epochs}`)} <span className="muted">with {plural(t.corrections, 'correction')}</span>
        </span>
        <button type="button" className="btn small" disabled={props.stopping} onClick={props.onStop}>
          Stop
        </button>
      </div>
      <ProgressBar label="Retraining the intent model" value={done} max={t.epochs} />
    </div>
  );
}

function Change(props: { f: ComparedFigure }) {
  const { f } = props;
  if (f.direction === null || f.points === null) return <span className="muted">—</span>;
  if (f.direction === 'same') return <span className="muted">no change</span>;
  const up = f.direction === 'up';
  return (
    <span className={`badge ${up ? 'ok' : 'bad'}`} aria-label={`${up ? 'up' : 'down'} ${Math.abs(f.points)} points`}>
      {up ? '▲' : '▼'} {Math.abs(f.points).toFixed(1)} pts
    </span>
  );
}

function CandidateView(props: {
  candidate: ModelCandidate;
  versionInUse: string | null;
  pending: string | null;
  onPromote: (force: boolean) => void;
  onDiscard: () => void;
}) {
  const { candidate: c } = props;
  const { overall, perIntent } = compareReports(c.current, c.report);
  const warning = promoteWarning(c.current, c.report, props.versionInUse);
  return (
    <div className="stack" data-testid="model-candidate">
      <p>
        A new model is ready (<span className="mono">{c.version}</span>, trained {formatWhen(c.trainedAt)} with {plural(c.corrections, 'correction')}). Both models were
        checked on the same {c.report.summary.testSize} held-out comments:
      </p>
      <p className="small muted">
        {typeof c.temperature === 'number'
          ? `Its confidences are calibrated like the shipped model’s (temperature ${c.temperature.toFixed(2)}), so “Needs a look” holds back comments the same way.`
          : 'Its confidences are not calibrated (the validation comments were missing), so “Needs a look” may hold back more or fewer comments.'}
      </p>
      <table className="table" data-testid="model-compare">
        <thead>
          <tr>
            <th />
            <th className="num">Current model</th>
            <th className="num">New model</th>
            <th className="num">Change</th>
          </tr>
        </thead>
        <tbody>
          {overall.map((f) => (
            <tr key={f.label}>
              <td>
                <strong>{f.label}</strong>
              </td>
              <td className="num">{f.current === null ? '—' : pct(f.current)}</td>
              <td className="num">{pct(f.next)}</td>
              <td className="num">
                <Change f={f} />
              </td>
            </tr>
          ))}
          {perIntent.flatMap((row) =>
            [row.precision, row.recall].map((f) => (
              <tr key={`${row.intent}-${f.label}`}>
                <td>
                  {row.label}, {f.label}
                </td>
                <td className="num">{f.current === null ? '—' : pct(f.current)}</td>
                <td className="num">{pct(f.next)}</td>
                <td className="num">
                  <Change f={f} />
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <p className="muted">Precision: how often the model is right when it says so. Recall: how many of those comments it finds.</p>
      {warning === 'lower' && (
        <Notice kind="warning" title="The new model scores lower than the one in use">
          Your corrections may disagree with the rest of the training data. Keeping the current model is usually the better choice.
        </Notice>
      )}
      {warning === 'stale' && (
        <Notice kind="warning" title="The model in use changed after this one was trained">
          These figures compare the new model with an older one. Retrain to compare it with the model in use now.
        </Notice>
      )}
      <div className="row">
        <button type="button" className={`btn ${warning ? 'danger' : 'primary'}`} disabled={props.pending !== null} onClick={() => props.onPromote(warning !== null)}>
          {warning ? 'Use the new model anyway' : 'Use the new model'}
        </button>
        <button type="button" className={`btn ${warning ? 'primary' : ''}`} disabled={props.pending !== null} onClick={props.onDiscard}>
          Keep the current one
        </button>
      </div>
    </div>
  );
}
