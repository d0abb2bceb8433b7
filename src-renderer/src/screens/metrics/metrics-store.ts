import type { RequestArgs, VoluntreeApi } from '@contract';
import type { MetricNode, MetricReading, MetricValue } from '@contract/metrics';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { toApiError } from '../../bridge';

/** Points kept per node on screen; the engine keeps more. */
export const CHART_POINTS = 200;

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
    async load() {
      try {
        const [{ nodes }, { values }] = await Promise.all([api.invoke('metrics.list', {}), api.invoke('metrics.values', { historyLimit: CHART_POINTS })]);
        set({ nodes, values, loaded: true, error: null });
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
      api.on('metrics.value', (v) => store.setState({ values: applyValue(store.getState().values, v) })),
      api.on('metrics.definitions', ({ nodes }) => store.setState({ nodes })),
    ];
    return () => offs.forEach((off) => off());
  };
  return { store, listen };
}
