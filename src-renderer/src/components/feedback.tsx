import type { ReactNode } from 'react';
import { percent } from '../lib/format';

/** What to show when a list is empty: what it will hold, and the one thing to do next. */
export function EmptyState(props: { title: string; children?: ReactNode; action?: ReactNode; compact?: boolean }) {
  return (
    <div className={`empty${props.compact ? ' compact' : ''}`} role="status">
      <div className="empty-title">{props.title}</div>
      {props.children && <div>{props.children}</div>}
      {props.action}
    </div>
  );
}

/** An error in the coordinator's words: what happened (from the engine) and what to do next. */
export function ErrorAlert(props: { title?: string; error: unknown; onRetry?: () => void }) {
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <div className="alert error" role="alert">
      <div className="stack tight">
        <div className="alert-title">{props.title ?? 'That did not work'}</div>
        <div>{message}</div>
      </div>
      {props.onRetry && (
        <button type="button" className="btn small" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Notice(props: { kind: 'info' | 'warning'; title: string; children?: ReactNode }) {
  return (
    <div className={`alert ${props.kind}`} role="note">
      <div className="stack tight">
        <div className="alert-title">{props.title}</div>
        {props.children && <div>{props.children}</div>}
      </div>
    </div>
  );
}

/** A progress bar; without `value` it shows that work is under way without a known end. */
export function ProgressBar(props: { value?: number; max?: number; label: string; tone?: 'ok' | 'warn' }) {
  const known = props.value !== undefined && props.max !== undefined && props.max > 0;
  const pct = known ? percent(props.value ?? 0, props.max ?? 1) : 0;
  return (
    <div
      className={`progress${known ? '' : ' indeterminate'}${props.tone === 'warn' ? ' warn' : ''}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={known ? 0 : undefined}
      aria-valuemax={known ? props.max : undefined}
      aria-valuenow={known ? props.value : undefined}
    >
      <div className="progress-fill" style={known ? { width: `${pct}%` } : undefined} />
    </div>
  );
}

/** Signed up against capacity, with the waitlist beyond it. */
export function FillBar(props: { taken: number; capacity: number; waitlist: number; label: string }) {
  const { taken, capacity, waitlist } = props;
  const total = Math.max(capacity, taken) + waitlist;
  const takenPct = total > 0 ? (Math.min(taken, capacity) / total) * 100 : 0;
  const overPct = total > 0 ? (waitlist / total) * 100 : 0;
  return (
    <div className="fill">
      <div
        className="fill-bar"
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={capacity}
        aria-valuenow={Math.min(taken, capacity)}
        aria-valuetext={`${taken} of ${capacity} places taken${waitlist ? `, ${waitlist} waiting` : ''}`}
      >
        <div className="taken" style={{ width: `${takenPct}%` }} />
        {waitlist > 0 && <div className="over" style={{ width: `${overPct}%` }} />}
      </div>
      <div className="fill-legend num">
        <span>
          {taken} / {capacity} signed up
        </span>
        {/* A capacity lowered below the people signed up keeps them all; say so instead of "0 places left". */}
        {taken > capacity && <span className="over-capacity">{taken - capacity} over capacity</span>}
        {waitlist > 0 ? <span>{waitlist} on the waitlist</span> : taken <= capacity && <span>{capacity - taken} places left</span>}
      </div>
    </div>
  );
}

export function Dot(props: { state: 'ok' | 'warn' | 'bad' | 'off' }) {
  return <span className={`dot ${props.state === 'off' ? '' : props.state}`} aria-hidden="true" />;
}
