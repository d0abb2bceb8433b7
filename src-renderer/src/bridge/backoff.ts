/**
 * Delay before reconnect attempt `attempt` (0-based): doubles from `initialMs` up to `maxMs`,
 * with up to 25 % random jitter so many open windows do not reconnect in lockstep.
 */
export function backoffDelay(attempt: number, initialMs = 500, maxMs = 10_000, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - 0.25 * random()));
}
