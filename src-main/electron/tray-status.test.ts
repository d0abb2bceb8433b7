import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../contract/system';
import { trayStatus } from './tray-status';

const health = (over: Partial<HealthReport> = {}): HealthReport => ({
  ok: true,
  redis: { up: true, mode: 'supervised', restarts: 0 },
  model: { version: '1' },
  queues: {},
  streams: {},
  facebook: { mode: 'live' },
  problems: [],
  ...over,
});

describe('tray status', () => {
  it('follows the engine through its life', () => {
    expect(trayStatus('starting', null)).toBe('Voluntree is starting…');
    expect(trayStatus('running', null)).toBe('Voluntree is running');
    expect(trayStatus('running', health())).toBe('Voluntree is running');
    expect(trayStatus('running', health({ facebook: { mode: 'demo' } }))).toBe('Voluntree is running (demo mode)');
    expect(trayStatus('stopping', health())).toBe('Voluntree is stopping…');
  });

  it('puts the first problem forward', () => {
    expect(trayStatus('running', health({ redis: { up: false, mode: 'supervised', restarts: 2 } }))).toMatch(/Redis is down/);
    expect(trayStatus('running', health({ problems: ['The tunnel is down; retrying.', 'other'] }))).toBe('Voluntree: The tunnel is down; retrying.');
    expect(trayStatus('failed', null, 'redis-server was not found.\nInstall it with apt-get install redis-server')).toBe(
      'Voluntree could not start: redis-server was not found.',
    );
  });
});
