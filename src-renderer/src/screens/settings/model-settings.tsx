import type { ModelInfo } from '@contract/model';
import { useEffect, useState } from 'react';
import { toApiError } from '../../bridge';
import { Card } from '../../components/card';
import { ErrorAlert } from '../../components/feedback';
import { useStores, useSystem } from '../../stores/stores';

const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;

/** The intent model in use, how well it scored, and how many corrections wait for the next training. */
export function ModelSettings() {
  const { bridge } = useStores();
  const health = useSystem((s) => s.health);
  const [info, setInfo] = useState<ModelInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    bridge.api
      .invoke('model.info', {})
      .then(setInfo)
      .catch((err: unknown) => setError(toApiError(err).message));
  }, [bridge]);
  const s = info?.summary;
  return (
    <Card title="Intent model" hint="Decides whether a comment is a signup, a cancellation, a question or something else.">
      <div className="stack">
        {error && <ErrorAlert title="The model’s details could not be loaded" error={error} />}
        <dl className="kv">
          <dt>Version in use</dt>
          <dd data-testid="model-version">{info?.version ?? health?.model.version ?? 'No model loaded yet'}</dd>
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
                {s.trainSize} comments, {s.corrections} of them your corrections
              </dd>
            </>
          )}
          <dt>Corrections waiting</dt>
          <dd>{info ? info.corrections : '…'}</dd>
        </dl>
        <p className="muted">
          Each time you change a comment’s intent on an event’s Comments tab, it is kept. Retraining with your corrections is done with{' '}
          <span className="mono">npm run train -- --with-corrections</span>; the new version is picked up without a restart.
        </p>
      </div>
    </Card>
  );
}
