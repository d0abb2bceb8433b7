import { METRIC_CONCRETE_ID, METRIC_INPUT_MAX_VALUES } from '../../contract/metrics';
import { RpcError } from '../../contract/errors';
import type { MetricGraph } from './graph';

const SHOWN_PROBLEMS = 5;

/**
 * How far in the future a reading's `at` may be: the sender's clock and the engine's are never
 * exactly in step, and a few seconds of difference should not refuse a reading.
 */
export const METRIC_INPUT_FUTURE_SKEW_MS = 30_000;

/** An ISO 8601 date-time with a time zone (Z or ±hh:mm), e.g. 2026-12-03T14:05:00Z. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export interface InputEntry {
  node: string;
  value: number;
  /** When it was measured (engine clock milliseconds); null: now, when it arrived. */
  at: number | null;
}

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? String(v) : typeof v);

/**
 * Checks a whole batch of input values before any is applied, so a bad batch changes nothing.
 * A value is a number, or `{ value, at }` with the ISO time it was measured. Throws
 * RpcError('bad_arguments') listing what is wrong.
 */
export function validateInput(graph: MetricGraph, raw: unknown, now: number): InputEntry[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RpcError('bad_arguments', 'Send a JSON object of node → number, e.g. {"event:42:signups": 12}.');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length === 0) throw new RpcError('bad_arguments', 'Send at least one value, e.g. {"event:42:signups": 12}.');
  if (entries.length > METRIC_INPUT_MAX_VALUES) {
    throw new RpcError('bad_arguments', `Too many values (${entries.length}); send at most ${METRIC_INPUT_MAX_VALUES} per request.`);
  }
  const problems: string[] = [];
  const out: InputEntry[] = [];
  for (const [node, given] of entries) {
    const shown = node.length > 80 ? `${node.slice(0, 80)}…` : node;
    const resolved = METRIC_CONCRETE_ID.test(node) && node.length <= 200 ? graph.resolve(node) : null;
    if (!resolved) {
      problems.push(`"${shown}" is not a metric node (define it first, or check the name)`);
      continue;
    }
    let value: unknown = given;
    let at: number | null = null;
    if (given !== null && typeof given === 'object' && !Array.isArray(given)) {
      const extra = Object.keys(given).filter((k) => k !== 'value' && k !== 'at');
      if (extra.length) {
        problems.push(`"${shown}" takes only "value" and "at" (got "${extra[0]!.slice(0, 40)}")`);
        continue;
      }
      const reading = given as { value?: unknown; at?: unknown };
      value = reading.value;
      if (reading.at !== undefined) {
        const parsed = typeof reading.at === 'string' && ISO_INSTANT.test(reading.at) ? Date.parse(reading.at) : Number.NaN;
        if (!Number.isFinite(parsed)) {
          problems.push(`"${shown}": "at" must be an ISO date-time with a time zone, e.g. "2026-12-03T14:05:00Z" (got ${typeof reading.at === 'string' ? JSON.stringify(reading.at.slice(0, 40)) : kind(reading.at)})`);
          continue;
        }
        if (parsed > now + METRIC_INPUT_FUTURE_SKEW_MS) {
          problems.push(`"${shown}": "at" ${reading.at} is in the future (more than ${METRIC_INPUT_FUTURE_SKEW_MS / 1000} s ahead of the engine's clock)`);
          continue;
        }
        const validity = resolved.def.validitySeconds;
        if (validity !== null && parsed + validity * 1000 <= now) {
          problems.push(`"${shown}": a reading from ${reading.at} has already expired (the node's values stay valid ${validity} s)`);
          continue;
        }
        at = parsed;
      }
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push(`"${shown}" must be a finite number (got ${value === undefined ? 'no "value"' : kind(value)})`);
      continue;
    }
    out.push({ node, value, at });
  }
  if (problems.length) {
    const more = problems.length > SHOWN_PROBLEMS ? ` (and ${problems.length - SHOWN_PROBLEMS} more)` : '';
    throw new RpcError('bad_arguments', `No values were applied: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}.`, { problems });
  }
  return out;
}
