import type { RequestArgs, VoluntreeApi } from '@contract';
import type { MetricNode, MetricPoint, MetricReading, MetricValue } from '@contract/metrics';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError } from '../../bridge';

/** Points kept per node on screen; the engine keeps more. */
export const CHART_POINTS = 200;
/** Points a chart of a time range asks for (spread over the range by the engine). */
export const RANGE_POINTS = 1000;

/** What the chart shows: the last points, or a time range back from now. */
export const CHART_RANGES = { recent: 'Latest values', hour: 'Last hour', day: 'Last day', week: 'Last week', month: 'Last 30 days', all: 'Everything kept' } as const;
export type ChartRange = keyof typeof CHART_RANGES;
const RANGE_MS: Record<Exclude<ChartRange, 'recent' | 'all'>, number> = { hour: 3600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

/** The `metrics.values` arguments of a chart of `node` over `range`, at `now`. */
export function rangeQuery(node: string, range: ChartRange, now: number): RequestArgs<'metrics.values'> {
  if (range === 'recent') return { nodes: [node], historyLimit: CHART_POINTS };
  if (range === 'all') return { nodes: [node], historyLimit: RANGE_POINTS, from: 0 };
  return { nodes: [node], historyLimit: RANGE_POINTS, from: now - RANGE_MS[range] };
}

/** The chart being shown for a range other than `recent`: its node, range and points. */
export interface RangeChart {
  node: string;
  range: ChartRange;
  from: number;
  points: MetricPoint[];
}

export interface MetricsState {
  nodes: MetricNode[];
  values: MetricValue[];
  loaded: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Adds or replaces a node; rejects with an ApiError to show beside the form. */
  define(node: RequestArgs<'metrics.define'>['node']): Promise<void>;
  remove(id: string): Promise<void>;
  input(values: Record<string, number | MetricReading>): Promise<void>;
  /** The chart of a time range (null: the latest values of each node, kept live). */
  chart: RangeChart | null;
  chartError: string | null;
  showRange(node: string, range: ChartRange): Promise<void>;
  /** Days of history the engine keeps; null until loaded. */
  retentionDays: number | null;
  setRetention(days: number): Promise<void>;
}

/** Applies one live value to the list: current value, and a point on its chart. */
export function applyValue(values: MetricValue[], v: { node: string; value: number; at: number; expiresAt: number | null; source: 'input' | 'computed' }): MetricValue[] {
  const point = { at: v.at, value: v.value, source: v.source };
  const i = values.findIndex((x) => x.node === v.node);
  if (i < 0) {
    const added: MetricValue = { node: v.node, definition: null, label: null, value: v.value, at: v.at, expiresAt: v.expiresAt, fresh: true, history: [point] };
    return [...values, added].sort((a, b) => a.node.localeCompare(b.node));
  }
  const old = values[i]!;
  const history = [...old.history, point].slice(-CHART_POINTS);
  const next = [...values];
  next[i] = { ...old, value: v.value, at: v.at, expiresAt: v.expiresAt, fresh: true, history };
  return next;
}

/**
 * The Metrics screen's state: definitions and values from the engine, kept current by the
 * live events `metrics.value` and `metrics.definitions` while `listen()` is in force (it returns
 * the function that stops listening).
 */
export function createMetricsStore(api: VoluntreeApi): { store: StoreApi<MetricsState>; listen: () => () => void } {
  const store = createStore<MetricsState>()((set, get) => ({
    nodes: [],
    values: [],
    loaded: false,
    error: null,
    chart: null,
    chartError: null,
    retentionDays: null,
    async load() {
      try {
        const [{ nodes }, { values }, settings] = await Promise.all([
          api.invoke('metrics.list', {}),
          api.invoke('metrics.values', { historyLimit: CHART_POINTS }),
          api.invoke('metrics.settings.get', {}),
        ]);
        set({ nodes, values, loaded: true, error: null, retentionDays: settings.historyRetentionDays });
      } catch (err) {
        set({ error: toApiError(err).message, loaded: true });
      }
    },
    async define(node) {
      try {
        await api.invoke('metrics.define', { node });
      } catch (err) {
        throw toApiError(err);
      }
      await get().load();
    },
    async remove(id) {
      try {
        await api.invoke('metrics.remove', { id });
      } catch (err) {
        throw toApiError(err);
      }
      await get().load();
    },
    async showRange(node, range) {
      if (range === 'recent') {
        set({ chart: null, chartError: null });
        return;
      }
      const q = rangeQuery(node, range, Date.now());
      try {
        const { values } = await api.invoke('metrics.values', q);
        set({ chart: { node, range, from: q.from ?? 0, points: values[0]?.history ?? [] }, chartError: null });
      } catch (err) {
        set({ chartError: toApiError(err).message });
      }
    },
    async setRetention(days) {
      try {
        const s = await api.invoke('metrics.settings.set', { historyRetentionDays: days });
        set({ retentionDays: s.historyRetentionDays });
      } catch (err) {
        throw toApiError(err);
      }
    },
    async input(values) {
      try {
        await api.invoke('metrics.input', { values });
      } catch (err) {
        throw toApiError(err);
      }
    },
  }));
  const listen = () => {
    const offs = [
      api.on('metrics.value', (v) => {
        const { values, chart } = store.getState();
        // A range chart of this node grows live too (the range's start stays where it was picked).
        const grown = chart && chart.node === v.node && v.at >= chart.from ? { ...chart, points: [...chart.points, { at: v.at, value: v.value, source: v.source }] } : chart;
        store.setState({ values: applyValue(values, v), chart: grown });
      }),
      api.on('metrics.definitions', ({ nodes }) => store.setState({ nodes })),
    ];
    return () => offs.forEach((off) => off());
  };
  return { store, listen };
}
