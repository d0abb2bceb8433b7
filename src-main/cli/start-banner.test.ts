import { describe, expect, it } from 'vitest';
import { startBanner } from './start-banner';

describe('the start banner', () => {
  const base = { url: 'http://127.0.0.1:4477', token: 'abc', dataDir: '/data' };
  it('reads as a sentence in both modes', () => {
    expect(startBanner({ ...base, demo: true })).toContain('Voluntree is running in demo mode (no Facebook Page connected');
    const live = startBanner({ ...base, demo: false });
    expect(live).toContain('Voluntree is running and connected to your Facebook Page.');
    expect(live).not.toMatch(/running in connected/);
  });
  it('gives the URL with its token and the data folder', () => {
    const text = startBanner({ ...base, demo: true });
    expect(text).toContain('  Open:  http://127.0.0.1:4477/#token=abc\n');
    expect(text).toContain('  Data:  /data\n');
    expect(text.trimEnd().endsWith('Press Ctrl-C to stop.')).toBe(true);
  });
});
