// The metrics part of the contract. Requests: name → args schema (zod) + result type.
// Live events: name → payload type. Merged into the whole contract by ./index.ts.
import { MAX_RETENTION_DAYS } from './metric-limits';
import { z } from 'zod';
import { liveEvent, request } from './define';

/** How a derived node combines its arguments (in their order). `formula` uses `formula`. */
export const METRIC_FUNCTIONS = ['add', 'subtract', 'multiply', 'divide', 'min', 'max', 'average', 'formula'] as const;
export type MetricFunction = (typeof METRIC_FUNCTIONS)[number];

/** Most values one input call may carry (HTTP, UI or pipeline). */
export const METRIC_INPUT_MAX_VALUES = 500;
export const METRIC_DEFAULT_VALIDITY_SECONDS = 60;

const SEGMENT = String.raw`(?:[A-Za-z0-9_.-]+|\{[a-z][a-z0-9]*\})`;
/**
 * Node ids are `:`-separated segments of letters, digits, `_ . -`. A segment `{name}` makes the
 * node a template (one node per event, e.g. `event:{event}:fill-rate`); see docs/metrics.md.
 */
export const METRIC_NODE_ID = new RegExp(`^${SEGMENT}(?::${SEGMENT})*$`);
export const METRIC_CONCRETE_ID = /^[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.-]+)*$/;

export const metricNodeId = z
  .string()
  .max(200)
  .regex(METRIC_NODE_ID, 'A node id is segments of letters, digits, _ . - separated by ":" (a whole segment may be a {placeholder})');

const common = {
  id: metricNodeId,
  label: z.string().trim().max(200).optional(),
  /** How long a value of this node stays usable as an argument, from when it was measured; null: never expires. */
  validitySeconds: z.number().positive().max(366 * 24 * 3600).nullable().default(METRIC_DEFAULT_VALIDITY_SECONDS),
};

export const metricInputNodeSchema = z.object({ ...common, kind: z.literal('input') }).strict();

export const metricDerivedNodeSchema = z
  .object({
    ...common,
    kind: z.literal('derived'),
    fn: z.enum(METRIC_FUNCTIONS),
    /** Only with fn `formula`: e.g. `(C + D) / max(E, 1)` or `[event:{event}:signups] / 2`. */
    formula: z.string().max(2000).optional(),
    /** Argument nodes in order. */
    args: z.array(metricNodeId).min(1).max(50),
    /** Keep arguments after computing and recompute whenever one changes while the others are valid. */
    keepArguments: z.boolean().default(false),
  })
  .strict();

export const metricNodeSchema = z.discriminatedUnion('kind', [metricInputNodeSchema, metricDerivedNodeSchema]);

export type MetricInputNode = z.output<typeof metricInputNodeSchema>;
export type MetricDerivedNode = z.output<typeof metricDerivedNodeSchema>;
export type MetricNode = z.output<typeof metricNodeSchema>;

export interface MetricPoint {
  at: number;
  value: number;
  source: 'input' | 'computed';
}

export interface MetricValue {
  node: string;
  /** The definition (or template) the node belongs to; null for a node no longer defined. */
  definition: string | null;
  label: string | null;
  /** Last value, even when it is no longer fresh; null when none yet. */
  value: number | null;
  at: number | null;
  expiresAt: number | null;
  fresh: boolean;
  /** Oldest first. */
  history: MetricPoint[];
}

export { MAX_RETENTION_DAYS };

export interface MetricSettings {
  /** Days of history kept per node (older days are deleted). */
  historyRetentionDays: number;
}

/** A reading: the value and the ISO time it was measured (checked by the engine, see docs/metrics.md). */
export const metricReading = z.object({ value: z.number(), at: z.string().max(40).optional() }).strict();
export type MetricReading = z.output<typeof metricReading>;

export const metricInputValues = z
  .record(z.string().max(200), z.union([z.number(), metricReading]))
  .refine((v) => Object.keys(v).length > 0, 'Send at least one value')
  .refine((v) => Object.keys(v).length <= METRIC_INPUT_MAX_VALUES, `Send at most ${METRIC_INPUT_MAX_VALUES} values at once`);

export const metricsRequests = {
  'metrics.list': request<{ nodes: MetricNode[] }>()(z.object({}).strict(), 'Every metric node definition'),
  'metrics.define': request<{ node: MetricNode }>()(
    z.object({ node: metricNodeSchema }).strict(),
    'Adds or replaces a metric node (refused when it would make a cycle)',
  ),
  'metrics.remove': request<{ removed: string }>()(z.object({ id: metricNodeId }).strict(), 'Removes a metric node nothing else uses'),
  'metrics.values': request<{ values: MetricValue[] }>()(
    z
      .object({
        nodes: z.array(z.string().max(200)).max(500).optional(),
        historyLimit: z.number().int().min(0).max(2000).default(200),
        /** A chart's time range (epoch ms, both included): up to historyLimit points spread over it. */
        from: z.number().int().nonnegative().optional(),
        to: z.number().int().nonnegative().optional(),
      })
      .strict()
      .refine((a) => a.from === undefined || a.to === undefined || a.from <= a.to, 'from must not be after to'),
    'Current value and history of metric nodes (the last points, or those of a time range), for charts',
  ),
  'metrics.settings.get': request<MetricSettings>()(z.object({}).strict(), 'How long metric history is kept'),
  'metrics.settings.set': request<MetricSettings>()(
    z.object({ historyRetentionDays: z.number().int().min(1).max(MAX_RETENTION_DAYS) }).strict(),
    'Changes how long metric history is kept (older days are deleted at once)',
  ),
  'metrics.input': request<{ accepted: number }>()(z.object({ values: metricInputValues }).strict(), 'Gives input values to metric nodes'),
};

export const metricsEvents = {
  'metrics.value': liveEvent<{ node: string; value: number; at: number; expiresAt: number | null; source: 'input' | 'computed' }>(
    'A metric node received or computed a value',
  ),
  'metrics.definitions': liveEvent<{ nodes: MetricNode[] }>('Metric definitions changed'),
};
