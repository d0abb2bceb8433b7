import { describe, expect, it } from 'vitest';
import { dayOf, isTimeZone, startOfDay } from './aggregation';

describe('local days', () => {
  it("reads the day in the coordinator's zone, not in UTC", () => {
    // 23:30 in Brisbane (UTC+10) is 13:30 UTC the same day; 00:30 the next day is still the previous day in UTC.
    expect(dayOf(Date.UTC(2026, 11, 1, 13, 30), 'Australia/Brisbane')).toBe('2026-12-01');
    expect(dayOf(Date.UTC(2026, 11, 1, 14, 30), 'Australia/Brisbane')).toBe('2026-12-02');
    expect(dayOf(Date.UTC(2026, 11, 1, 14, 30), 'UTC')).toBe('2026-12-01');
    // West of UTC the other way round: 20:00 in New York on 1 Dec is 01:00 UTC on 2 Dec.
    expect(dayOf(Date.UTC(2026, 11, 2, 1, 0), 'America/New_York')).toBe('2026-12-01');
  });

  it('finds the first moment of a day, across daylight-saving changes', () => {
    expect(startOfDay('2026-12-02', 'Australia/Brisbane')).toBe(Date.UTC(2026, 11, 1, 14, 0));
    expect(startOfDay('2026-12-02', 'UTC')).toBe(Date.UTC(2026, 11, 2));
    // New York: EDT (UTC-4) until 1 Nov 2026, EST (UTC-5) after.
    expect(startOfDay('2026-11-01', 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 4, 0));
    expect(startOfDay('2026-11-02', 'America/New_York')).toBe(Date.UTC(2026, 10, 2, 5, 0));
    // São Paulo once skipped midnight itself (4 Nov 2018 began at 01:00).
    expect(dayOf(startOfDay('2018-11-04', 'America/Sao_Paulo'), 'America/Sao_Paulo')).toBe('2018-11-04');
    expect(dayOf(startOfDay('2018-11-04', 'America/Sao_Paulo') - 1, 'America/Sao_Paulo')).toBe('2018-11-03');
  });

  it('knows real zone names from typos', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
