import { describe, expect, it } from 'vitest';
import { href, parseRoute } from './router';

describe('hash routes', () => {
  it('reads the screen and its parameters', () => {
    expect(parseRoute('#/events/ev_1')).toEqual({ screen: 'events', params: ['ev_1'] });
    expect(parseRoute('#/settings')).toEqual({ screen: 'settings', params: [] });
  });

  it('goes to Today for an empty or unknown route', () => {
    expect(parseRoute('')).toEqual({ screen: 'today', params: [] });
    expect(parseRoute('#/nowhere/x')).toEqual({ screen: 'today', params: [] });
  });

  it('round-trips parameters that need escaping', () => {
    expect(parseRoute(href('volunteers', 'a/b c'))).toEqual({ screen: 'volunteers', params: ['a/b c'] });
  });
});
