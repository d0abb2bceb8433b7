import type { MetricPoint } from '@contract/metrics';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '../../components/feedback';
import { formatMetric } from './node-form';

const time = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A node's values over time; computed and received points share one line. */
export function MetricChart(props: { points: MetricPoint[]; label: string }) {
  if (props.points.length === 0) return <EmptyState title="No values yet" compact>Values appear here as they arrive.</EmptyState>;
  return (
    <div role="img" aria-label={`${props.label}: ${props.points.length} values, last ${formatMetric(props.points.at(-1)?.value ?? null)}`} data-testid="metric-chart">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={props.points} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={time} stroke="var(--text-3)" fontSize={11} />
          <YAxis stroke="var(--text-3)" fontSize={11} width={56} tickFormatter={(v: number) => formatMetric(v)} />
          <Tooltip
            labelFormatter={(at) => time(Number(at))}
            formatter={(v) => [formatMetric(Number(v)), props.label]}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 'var(--radius-sm)' }}
          />
          <Line type="monotone" dataKey="value" stroke="var(--primary)" strokeWidth={2} dot={props.points.length < 40} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
