import { Card } from '../../components/card';
import { useSystem } from '../../stores/stores';

/** The intent model in use. Its report and retraining join here when the model's requests exist. */
export function ModelSettings() {
  const health = useSystem((s) => s.health);
  return (
    <Card title="Intent model" hint="Decides whether a comment is a signup, a cancellation, a question or something else.">
      <dl className="kv">
        <dt>Version in use</dt>
        <dd data-testid="model-version">{health?.model.version ?? 'No model loaded yet'}</dd>
      </dl>
    </Card>
  );
}
