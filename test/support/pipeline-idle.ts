import type { HealthReport } from '../../src-main/contract/system';

/**
 * Whether a health report shows nothing left to do: every queue without waiting, active or
 * delayed jobs, and every pipeline stream empty with nothing pending. The dead-letter stream
 * is left out (it only grows); tests look at it separately.
 */
export function pipelineIdle(report: HealthReport): boolean {
  if (!report.redis.up) return false;
  for (const q of Object.values(report.queues)) if (q.waiting + q.active + q.delayed > 0) return false;
  for (const [name, s] of Object.entries(report.streams)) {
    if (name === 'stream:dead') continue;
    if (s.length > 0 || s.pending > 0) return false;
  }
  return true;
}

/** What a health report says is still under way, for a failure message. */
export function busyParts(report: HealthReport): string {
  const parts: string[] = [];
  for (const [name, q] of Object.entries(report.queues)) if (q.waiting + q.active + q.delayed > 0) parts.push(`${name} ${JSON.stringify(q)}`);
  for (const [name, s] of Object.entries(report.streams)) if (name !== 'stream:dead' && (s.length > 0 || s.pending > 0)) parts.push(`${name} ${JSON.stringify(s)}`);
  return parts.join('; ') || 'nothing';
}
