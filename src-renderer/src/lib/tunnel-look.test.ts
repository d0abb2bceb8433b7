import { describe, expect, it } from 'vitest';
import { tunnelLook } from './tunnel-look';

describe('tunnelLook', () => {
  it('shows a tunnel that is wanted but down as not answering, not as off', () => {
    // The engine clears the URL at the first failed probe, so "no URL" alone cannot mean "off".
    expect(tunnelLook({ mode: 'live', tunnelUrl: null, tunnelHealthy: false, tunnelMode: 'localtunnel', tunnelProblem: 'The tunnel server could not be reached (ECONNREFUSED).' })).toEqual({ dot: 'bad', label: 'Not answering' });
  });
  it('says connecting while a wanted tunnel has not been checked yet', () => {
    expect(tunnelLook({ mode: 'live', tunnelUrl: null, tunnelHealthy: false, tunnelMode: 'fixed', tunnelProblem: null })).toEqual({ dot: 'off', label: 'Connecting…' });
  });
  it('says off only when no tunnel is wanted (or an older engine does not say)', () => {
    expect(tunnelLook({ mode: 'demo', tunnelUrl: null, tunnelMode: 'off' })).toEqual({ dot: 'off', label: 'Off' });
    expect(tunnelLook({ mode: 'demo', tunnelUrl: null })).toEqual({ dot: 'off', label: 'Off' });
  });
  it('keeps reachable and not answering for a shown URL', () => {
    expect(tunnelLook({ mode: 'live', tunnelUrl: 'https://a.example', tunnelHealthy: true })).toEqual({ dot: 'ok', label: 'Reachable' });
    expect(tunnelLook({ mode: 'live', tunnelUrl: 'https://a.example', tunnelHealthy: false })).toEqual({ dot: 'bad', label: 'Not answering' });
  });
});
