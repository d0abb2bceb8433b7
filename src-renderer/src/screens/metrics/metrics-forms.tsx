import type { MetricNode, MetricReading } from '@contract/metrics';
import { MAX_RETENTION_DAYS } from '@contract/metric-limits';
import { useState } from 'react';
import { Card } from '../../components/card';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { SaveRow } from '../settings/save-row';
import { EMPTY_FORM, formFromNode, FUNCTION_LABELS, nodeFromForm, readingFrom, type FormProblems, type NodeForm } from './node-form';

/** Adds a node, or changes the one being edited. */
export function NodeEditor(props: { editing: MetricNode | null; onDone: () => void; define: (n: MetricNode) => Promise<void> }) {
  const [form, setForm] = useState<NodeForm>(() => (props.editing ? formFromNode(props.editing) : EMPTY_FORM));
  const [problems, setProblems] = useState<FormProblems>({});
  const save = useAction(async (node: MetricNode) => {
    await props.define(node);
    setForm(EMPTY_FORM);
    props.onDone();
  });
  const set = <K extends keyof NodeForm>(k: K, v: NodeForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  return (
    <Card title={props.editing ? `Change ${props.editing.id}` : 'Add a node'} hint="An input receives values; a derived node computes from its arguments when all of them are fresh.">
      <form
        className="form-grid"
        aria-label="Metric node"
        onSubmit={(e) => {
          e.preventDefault();
          const r = nodeFromForm(form);
          setProblems(r.problems ?? {});
          if (r.node) void save.run(r.node);
        }}
      >
        <Field label="Name" error={problems.id} hint="e.g. weather:risk or event:{event}:helpers">
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input mono" value={form.id} readOnly={Boolean(props.editing)} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => set('id', e.target.value)} />
          )}
        </Field>
        <Field label="Label">{({ id }) => <input id={id} className="input" value={form.label} maxLength={200} onChange={(e) => set('label', e.target.value)} />}</Field>
        <Field label="Kind">
          {({ id }) => (
            <select id={id} className="select" value={form.kind} onChange={(e) => set('kind', e.target.value as NodeForm['kind'])}>
              <option value="input">Input</option>
              <option value="derived">Derived</option>
            </select>
          )}
        </Field>
        <Field label="Valid for (seconds, or never)" error={problems.validitySeconds}>
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" inputMode="numeric" value={form.validitySeconds} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => set('validitySeconds', e.target.value)} />
          )}
        </Field>
        {form.kind === 'derived' && (
          <>
            <Field label="Computes">
              {({ id }) => (
                <select id={id} className="select" value={form.fn} onChange={(e) => set('fn', e.target.value as NodeForm['fn'])}>
                  {Object.entries(FUNCTION_LABELS).map(([fn, label]) => (
                    <option key={fn} value={fn}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Arguments" error={problems.args} hint="Node names in order, separated by commas.">
              {({ id, describedBy, invalid }) => (
                <input id={id} className="input mono" value={form.args} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => set('args', e.target.value)} />
              )}
            </Field>
            {form.fn === 'formula' && (
              <Field label="Formula" wide error={problems.formula} hint="Numbers, argument names, + - * / ( ) and min, max, avg, abs, round. Names with ':' go in brackets: [weather:risk].">
                {({ id, describedBy, invalid }) => (
                  <input id={id} className="input mono" value={form.formula} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => set('formula', e.target.value)} />
                )}
              </Field>
            )}
            <label className="wide">
              <input type="checkbox" checked={form.keepArguments} onChange={(e) => set('keepArguments', e.target.checked)} /> Keep arguments: recompute whenever one
              changes (otherwise wait for a whole new set)
            </label>
          </>
        )}
        <div className="wide row">
          <SaveRow {...save} label={props.editing ? 'Save changes' : 'Add node'} />
          {props.editing && (
            <button type="button" className="btn ghost" onClick={props.onDone}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </Card>
  );
}

/** Gives one node a value by hand (a count from a spreadsheet, a sensor reading). */
export function ValueInput(props: { input: (values: Record<string, number | MetricReading>) => Promise<void> }) {
  const [node, setNode] = useState('');
  const [value, setValue] = useState('');
  const [measuredAt, setMeasuredAt] = useState('');
  const n = Number(value);
  const reading = value.trim() !== '' && Number.isFinite(n) ? readingFrom(n, measuredAt) : null;
  const valid = node.trim() !== '' && reading !== null;
  const send = useAction(() => props.input({ [node.trim()]: reading! }));
  return (
    <Card title="Give a value" hint="Other systems can send values too: POST /api/metrics/input with a JSON object of node → number, or { value, at } with the time it was measured.">
      <form
        className="form-grid"
        aria-label="Metric value"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void send.run();
        }}
      >
        <Field label="Node">{({ id }) => <input id={id} className="input mono" value={node} placeholder="event:42:capacity" onChange={(e) => setNode(e.target.value)} />}</Field>
        <Field label="Value">{({ id }) => <input id={id} className="input" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />}</Field>
        <Field label="Measured at (empty: now)">
          {({ id }) => <input id={id} className="input" type="datetime-local" step="1" value={measuredAt} onChange={(e) => setMeasuredAt(e.target.value)} />}
        </Field>
        <div className="wide">
          <SaveRow {...send} label="Send" disabled={!valid} />
        </div>
      </form>
    </Card>
  );
}

/** How many days of history the engine keeps (older days are deleted, not capped silently). */
export function HistoryRetention(props: { days: number | null; save: (days: number) => Promise<void> }) {
  const [text, setText] = useState<string | null>(null);
  const shown = text ?? (props.days === null ? '' : String(props.days));
  const n = Number(shown);
  const valid = Number.isInteger(n) && n >= 1 && n <= MAX_RETENTION_DAYS;
  const save = useAction(() => props.save(n));
  return (
    <Card title="History" hint="Every value is kept for charts, one file per node and day in the data folder. Days older than this are deleted.">
      <form
        className="form-grid"
        aria-label="Metric history"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void save.run();
        }}
      >
        <Field label="Keep history for (days)" error={shown !== '' && !valid ? `A whole number of days, 1 to ${MAX_RETENTION_DAYS}` : undefined}>
          {({ id, describedBy, invalid }) => (
            <input id={id} className="input" inputMode="numeric" value={shown} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => setText(e.target.value)} />
          )}
        </Field>
        <div className="wide">
          <SaveRow {...save} disabled={!valid} />
        </div>
      </form>
    </Card>
  );
}
