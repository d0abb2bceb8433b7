import type { MetricFunction, MetricNode, MetricReading } from '@contract/metrics';

// The engine's rule for node ids (contract/metrics.ts), checked here to answer while typing.
const SEGMENT = String.raw`(?:[A-Za-z0-9_.-]+|\{[a-z][a-z0-9]*\})`;
const METRIC_NODE_ID = new RegExp(`^${SEGMENT}(?::${SEGMENT})*$`);

/** The node editor's fields, as typed. */
export interface NodeForm {
  id: string;
  kind: 'input' | 'derived';
  label: string;
  validitySeconds: string;
  fn: MetricFunction;
  /** Argument ids, separated by commas or new lines. */
  args: string;
  formula: string;
  keepArguments: boolean;
}

export const EMPTY_FORM: NodeForm = { id: '', kind: 'input', label: '', validitySeconds: '60', fn: 'add', args: '', formula: '', keepArguments: false };

export const FUNCTION_LABELS: Record<MetricFunction, string> = {
  add: 'Add (sum)',
  subtract: 'Subtract (first minus the rest)',
  multiply: 'Multiply',
  divide: 'Divide (first by the rest)',
  min: 'Smallest',
  max: 'Largest',
  average: 'Average',
  formula: 'Formula',
};

export function formFromNode(n: MetricNode): NodeForm {
  if (n.kind === 'input') return { ...EMPTY_FORM, id: n.id, label: n.label ?? '', validitySeconds: validityText(n.validitySeconds) };
  return {
    id: n.id,
    kind: 'derived',
    label: n.label ?? '',
    validitySeconds: validityText(n.validitySeconds),
    fn: n.fn,
    args: n.args.join(', '),
    formula: n.formula ?? '',
    keepArguments: n.keepArguments,
  };
}

/** The validity field shows "never" for a node whose values never expire (validity null). */
function validityText(v: number | null): string {
  return v === null ? 'never' : String(v);
}

export type FormProblems = Partial<Record<'id' | 'validitySeconds' | 'args' | 'formula', string>>;

/**
 * Checks what can be checked here (names, numbers, presence) and builds the node to send; the
 * engine checks the rest (unknown arguments, formula syntax, cycles) and says why.
 */
export function nodeFromForm(f: NodeForm): { node: MetricNode; problems: null } | { node: null; problems: FormProblems } {
  const problems: FormProblems = {};
  const id = f.id.trim();
  if (!METRIC_NODE_ID.test(id) || id.length > 200) problems.id = 'Use letters, digits, _ . - in parts separated by ":", e.g. event:{event}:signups or weather:risk.';
  const never = f.validitySeconds.trim().toLowerCase() === 'never';
  const validity = never ? null : Number(f.validitySeconds);
  if (validity !== null && !(validity > 0 && validity <= 366 * 24 * 3600)) problems.validitySeconds = 'Enter a number of seconds greater than 0, or "never".';
  const args = f.args
    .split(/[,\n]/)
    .map((a) => a.trim())
    .filter(Boolean);
  if (f.kind === 'derived') {
    if (args.length === 0) problems.args = 'List at least one argument node.';
    else if (args.length > 50) problems.args = 'Use at most 50 arguments.';
    if (f.fn === 'formula' && !f.formula.trim()) problems.formula = 'Write the formula, e.g. signups / capacity.';
  }
  if (Object.keys(problems).length) return { node: null, problems };
  const label = f.label.trim() || undefined;
  const node: MetricNode =
    f.kind === 'input'
      ? { id, kind: 'input', label, validitySeconds: validity }
      : {
          id,
          kind: 'derived',
          label,
          validitySeconds: validity,
          fn: f.fn,
          args,
          keepArguments: f.keepArguments,
          ...(f.fn === 'formula' ? { formula: f.formula.trim() } : {}),
        };
  return { node, problems: null };
}

/**
 * The hand input's value: a plain number when no time is given (measured now), otherwise a
 * reading with the time it was measured. `measuredAt` is a datetime-local field's text (the
 * computer's local time); null when it is not a time.
 */
export function readingFrom(value: number, measuredAt: string): number | MetricReading | null {
  if (measuredAt.trim() === '') return value;
  const ms = new Date(measuredAt).getTime();
  if (!Number.isFinite(ms)) return null;
  return { value, at: new Date(ms).toISOString() };
}

/** "0.75", "1,234.5", "12": numbers as a coordinator reads them. */
export function formatMetric(v: number | null): string {
  if (v === null) return '—';
  return v.toLocaleString(undefined, { maximumFractionDigits: Math.abs(v) < 10 ? 3 : 1 });
}
