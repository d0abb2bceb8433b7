import type { MetricNode, MetricValue } from '@contract/metrics';
import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { Card, PageHeader } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { formatWhen } from '../../lib/format';
import { useStores } from '../../stores/stores';
import { MetricChart } from './metric-chart';
import { CHART_RANGES, createMetricsStore, type ChartRange } from './metrics-store';
import { HistoryRetention, NodeEditor, ValueInput } from './metrics-forms';
import { formatMetric } from './node-form';

function describeNode(n: MetricNode): string {
  if (n.kind === 'input') return 'Input';
  if (n.fn === 'formula') return `= ${n.formula ?? ''}`;
  return `${n.fn}(${n.args.join(', ')})`;
}

function Freshness(props: { v: MetricValue; now: number }) {
  if (props.v.value === null) return <span className="badge">No value</span>;
  const fresh = props.v.value !== null && (props.v.expiresAt === null || props.v.expiresAt > props.now);
  return <span className={`badge ${fresh ? 'ok' : 'warn'}`}>{fresh ? 'Fresh' : 'Stale'}</span>;
}

/** Live metrics: current values, a chart of the chosen one, and the definitions behind them. */
export function MetricsScreen() {
  const { bridge } = useStores();
  const { store, listen } = useMemo(() => createMetricsStore(bridge.api), [bridge]);
  useEffect(() => {
    const stop = listen();
    void store.getState().load();
    return stop;
  }, [store, listen]);
  const { nodes, values, loaded, error, chart, chartError, retentionDays } = useStore(store);
  const [range, setRange] = useState<ChartRange>('recent');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<MetricNode | null>(null);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  const shown = values.find((v) => v.node === selected) ?? values.find((v) => v.history.length > 0) ?? null;
  const [removeError, setRemoveError] = useState<string | null>(null);
  const shownNode = shown?.node ?? null;
  // A range other than the latest values is read from the engine for the chosen node.
  useEffect(() => {
    if (shownNode) void store.getState().showRange(shownNode, range);
  }, [store, shownNode, range]);
  const points = chart && chart.node === shownNode && chart.range === range ? chart.points : (shown?.history ?? []);

  return (
    <div className="page">
      <PageHeader title="Metrics" description="Numbers computed live from counts that arrive at any time: fill rate, no-shows and your own." />
      {error && <ErrorAlert title="Metrics did not load" error={error} onRetry={() => void store.getState().load()} />}
      <div className="grid-2">
        <Card title="Current values" hint="Click a row to chart it. A value is fresh while it can still be used in a computation." flush labelledBy="metrics-values">
          {!loaded ? (
            <EmptyState title="Loading…" compact />
          ) : values.length === 0 ? (
            <EmptyState title="No values yet" compact>
              Values appear as events fill up, or when you give one below.
            </EmptyState>
          ) : (
            <table className="table" data-testid="metric-values">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Value</th>
                  <th>Updated</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {values.map((v) => (
                  <tr
                    key={v.node}
                    className="clickable"
                    tabIndex={0}
                    aria-selected={shown?.node === v.node}
                    onClick={() => setSelected(v.node)}
                    onKeyDown={(e) => e.key === 'Enter' && setSelected(v.node)}
                    data-node={v.node}
                  >
                    <td>
                      <div className="mono">{v.node}</div>
                      {v.label && <div className="small muted">{v.label}</div>}
                    </td>
                    <td className="num">{formatMetric(v.value)}</td>
                    <td className="small muted">{formatWhen(v.at, now)}</td>
                    <td>
                      <Freshness v={v} now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title={shown ? (shown.label ?? shown.node) : 'History'} hint={shown ? <span className="mono">{shown.node}</span> : 'Choose a value to chart it.'} labelledBy="metrics-chart">
          <div className="row">
            <label htmlFor="metric-range" className="small muted">
              Show
            </label>
            <select id="metric-range" className="select" value={range} onChange={(e) => setRange(e.target.value as ChartRange)}>
              {Object.entries(CHART_RANGES).map(([k, label]) => (
                <option key={k} value={k}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          {chartError && <ErrorAlert title="History did not load" error={chartError} />}
          {shown ? <MetricChart points={points} label={shown.label ?? shown.node} /> : <EmptyState title="Nothing to chart yet" compact />}
        </Card>
      </div>
      <Card title="Definitions" hint="{event} in a name means one node per event, e.g. event:42:fill-rate." flush labelledBy="metrics-definitions">
        {removeError && <ErrorAlert title="Not removed" error={removeError} />}
        <table className="table" data-testid="metric-definitions">
          <thead>
            <tr>
              <th>Node</th>
              <th>Computes</th>
              <th>Valid for</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.id} data-node={n.id}>
                <td>
                  <div className="mono">{n.id}</div>
                  {n.label && <div className="small muted">{n.label}</div>}
                </td>
                <td className="mono small">
                  {describeNode(n)}
                  {n.kind === 'derived' && n.keepArguments && <div className="muted">keeps arguments</div>}
                </td>
                <td className="num small">{n.validitySeconds === null ? 'never expires' : n.validitySeconds >= 3600 ? `${Math.round(n.validitySeconds / 3600)} h` : `${n.validitySeconds} s`}</td>
                <td>
                  <div className="row">
                    <button type="button" className="btn small" onClick={() => setEditing(n)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn small danger"
                      onClick={() => {
                        setRemoveError(null);
                        store.getState().remove(n.id).catch((err: Error) => setRemoveError(err.message));
                      }}
                    >
                      Remove
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <div className="grid-2">
        <NodeEditor key={editing?.id ?? 'new'} editing={editing} onDone={() => setEditing(null)} define={(n) => store.getState().define(n)} />
        <ValueInput input={(v) => store.getState().input(v)} />
      </div>
      <HistoryRetention days={retentionDays} save={(d) => store.getState().setRetention(d)} />
    </div>
  );
}
