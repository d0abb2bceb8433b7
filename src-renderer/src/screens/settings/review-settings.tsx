import type { Settings } from '@contract/system';
import { useState } from 'react';
import { Card } from '../../components/card';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { SaveRow } from './save-row';

/**
 * The review threshold, as a percentage: comments the model is less sure of wait in "Needs a
 * look". The default comes from the shipped model's calibration (docs/model.md).
 */
export function ReviewSettings(props: { settings: Settings }) {
  const { system } = useStores();
  const [percent, setPercent] = useState(String(Math.round(props.settings.reviewThreshold * 100)));
  const n = Number(percent);
  const valid = percent.trim() !== '' && Number.isInteger(n) && n >= 0 && n <= 99;
  const save = useAction(() => system.getState().saveSettings({ reviewThreshold: n / 100 }));
  return (
    <Card
      title="When to ask you first"
      hint="Voluntree answers comments it understands by itself. When it is less sure than this, the comment waits in “Needs a look” on Today and on the event until you pick what it means."
    >
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void save.run();
        }}
      >
        <Field
          label="Ask me when Voluntree is less sure than (%)"
          hint="60 % holds back about one comment in seven. Higher asks you more often; 0 never asks."
          error={valid ? null : 'Enter a whole number from 0 to 99.'}
        >
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" inputMode="numeric" value={percent} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => setPercent(e.target.value)} />
          )}
        </Field>
        <SaveRow {...save} disabled={!valid} />
      </form>
    </Card>
  );
}
