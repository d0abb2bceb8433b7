import type { HealthReport } from '../contract/system';

/** Where the engine is in its life, as the tray shows it. */
export type EngineState = 'starting' | 'running' | 'failed' | 'stopping';

/** The one line the tray shows (tooltip and the first, disabled menu item). */
export function trayStatus(state: EngineState, health: HealthReport | null, failure?: string): string {
  if (state === 'starting') return 'Voluntree is starting…';
  if (state === 'stopping') return 'Voluntree is stopping…';
  if (state === 'failed') return `Voluntree could not start${failure ? `: ${failure.split('\n')[0]!.slice(0, 120)}` : ''}`;
  if (!health) return 'Voluntree is running';
  if (!health.redis.up) return 'Voluntree: Redis is down, restarting it…';
  const problem = health.problems[0];
  if (problem) return `Voluntree: ${problem.slice(0, 120)}`;
  return health.facebook.mode === 'demo' ? 'Voluntree is running (demo mode)' : 'Voluntree is running';
}
