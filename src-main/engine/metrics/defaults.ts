import type { MetricNode } from '../../contract/metrics';

/** Event counts stay usable for a week: they change rarely, and a rate needs both sides. */
const EVENT_VALIDITY_SECONDS = 7 * 24 * 3600;

const eventInput = (name: string, label: string): MetricNode => ({
  id: `event:{event}:${name}`,
  kind: 'input',
  label,
  validitySeconds: EVENT_VALIDITY_SECONDS,
});

/**
 * The definitions a fresh install starts with: per-event counts the pipeline feeds
 * (`event:<id>:signups`, `capacity`, `waitlist`, `cancellations`, `attendance`) and the rates built on
 * them. Rates keep their arguments, so each new count recomputes them at once.
 */
/** The defaults of installs that recorded only `defaultsInstalled` (before `defaultsSeen`). */
export const FIRST_DEFAULT_IDS: readonly string[] = [
  'event:{event}:signups', 'event:{event}:capacity', 'event:{event}:cancellations', 'event:{event}:attendance',
  'event:{event}:fill-rate', 'event:{event}:no-shows', 'event:{event}:no-show-rate',
];

export function defaultMetricNodes(): MetricNode[] {
  return [
    eventInput('signups', 'Signups'),
    eventInput('capacity', 'Capacity'),
    eventInput('waitlist', 'Waitlist'),
    eventInput('cancellations', 'Cancellations'),
    eventInput('attendance', 'Attended'),
    {
      id: 'event:{event}:fill-rate',
      kind: 'derived',
      label: 'Fill rate',
      fn: 'divide',
      args: ['event:{event}:signups', 'event:{event}:capacity'],
      keepArguments: true,
      validitySeconds: EVENT_VALIDITY_SECONDS,
    },
    {
      id: 'event:{event}:no-shows',
      kind: 'derived',
      label: 'No-shows',
      fn: 'formula',
      formula: 'max(signups - attendance, 0)',
      args: ['event:{event}:signups', 'event:{event}:attendance'],
      keepArguments: true,
      validitySeconds: EVENT_VALIDITY_SECONDS,
    },
    {
      id: 'event:{event}:no-show-rate',
      kind: 'derived',
      label: 'No-show rate',
      fn: 'divide',
      args: ['event:{event}:no-shows', 'event:{event}:signups'],
      keepArguments: true,
      validitySeconds: EVENT_VALIDITY_SECONDS,
    },
  ];
}
