import type { HealthReport } from '@contract/system';

/**
 * The tunnel's URL is shown only once a probe came back through it, so "no URL" means either no
 * tunnel is wanted (Off) or one is wanted and not answering yet; the mode tells the two apart.
 */
export function tunnelLook(fb: HealthReport['facebook']): { dot: 'ok' | 'bad' | 'off'; label: string } {
  if (fb.tunnelUrl) return fb.tunnelHealthy ? { dot: 'ok', label: 'Reachable' } : { dot: 'bad', label: 'Not answering' };
  if (fb.tunnelMode && fb.tunnelMode !== 'off') return fb.tunnelProblem ? { dot: 'bad', label: 'Not answering' } : { dot: 'off', label: 'Connecting…' };
  return { dot: 'off', label: 'Off' };
}
