import { METRIC_CONCRETE_ID, METRIC_INPUT_MAX_VALUES } from '../../contract/metrics';
import { RpcError } from '../../contract/errors';
import type { MetricGraph } from './graph';

const SHOWN_PROBLEMS = 5;

/**
 * Checks a whole batch of input values before any is applied, so a bad batch changes nothing.
 * Throws RpcError('bad_arguments') listing what is wrong; returns the values as entries.
 */
export function validateInput(graph: MetricGraph, raw: unknown): [string, number][] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RpcError('bad_arguments', 'Send a JSON object of node → number, e.g. {"event:42:signups": 12}.');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) throw new RpcError('bad_arguments', 'Send at least one value, e.g. {"event:42:signups": 12}.');
  if (entries.length > METRIC_INPUT_MAX_VALUES) {
    throw new RpcError('bad_arguments', `Too many values (${entries.length}); send at most ${METRIC_INPUT_MAX_VALUES} per request.`);
  }
  const problems: string[] = [];
  const out: [string, number][] = [];
  for (const [node, value] of entries) {
    const shown = node.length > 80 ? `${node.slice(0, 80)}…` : node;
    if (!METRIC_CONCRETE_ID.test(node) || node.length > 200 || !graph.resolve(node)) {
      problems.push(`"${shown}" is not a metric node (define it first, or check the name)`);
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`"${shown}" must be a finite number (got ${value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value})`);
    } else {
      out.push([node, value]);
    }
  }
  if (problems.length) {
    const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
    throw new RpcError('bad_arguments', `No values were applied: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}.`, { problems });
  }
  return out;
}
