import { describe, expect, it } from 'vitest';
import type { SlotRecord } from '../state/records';
import { matchSlot, partySize } from './slot-match';

const at = (iso: string): number => Date.parse(iso);
// Saturday 5 and Sunday 6 December 2026, UTC.
const slots: SlotRecord[] = [
  { id: 'sat-am', title: 'Saturday morning', start: at('2026-12-05T09:00:00Z'), end: at('2026-12-05T12:00:00Z'), capacity: 5, description: null },
  { id: 'sat-pm', title: 'Saturday afternoon', start: at('2026-12-05T13:00:00Z'), end: at('2026-12-05T16:00:00Z'), capacity: 5, description: null },
  { id: 'sun', title: 'Beach clean', start: at('2026-12-06T10:00:00Z'), end: at('2026-12-06T13:00:00Z'), capacity: 5, description: null },
];
const id = (text: string, tz = 'UTC'): string | null => matchSlot(text, slots, tz)?.id ?? null;

describe('slot matching', () => {
  it('finds the slot a comment names by title, part of day, weekday, date, hour or ordinal', () => {
    expect(id("I'm in for the afternoon!")).toBe('sat-pm');
    expect(id('count me in, Saturday morning works')).toBe('sat-am');
    expect(id('Sunday please')).toBe('sun');
    expect(id('happy to help with the beach clean')).toBe('sun');
    expect(id('I can do Dec 6')).toBe('sun');
    expect(id('the 6th works for me')).toBe('sun');
    expect(id('I can come at 1pm')).toBe('sat-pm');
    expect(id('second shift for me')).toBe('sat-pm');
    expect(id('slot 1 please')).toBe('sat-am');
  });

  it('gives null (the default slot) when nothing or two slots equally are named', () => {
    expect(id('count me in!')).toBeNull();
    // A word of its own is not a shortened title ("after" is not "afternoon").
    expect(id("Won't be able to come after all")).toBeNull();
    expect(id('happy to help in the after')).toBeNull();
    expect(id('I can come in the aftern')).toBe('sat-pm');
    expect(id('Saturday')).toBeNull();
    expect(matchSlot('afternoon', [slots[0]!], 'UTC')).toBeNull();
  });

  it('reads weekdays and hours in the coordinator time zone', () => {
    // 09:00 UTC on Saturday is 20:00 Saturday in Sydney; 10:00 UTC Sunday is 21:00 Sunday there.
    expect(id('saturday evening', 'Australia/Sydney')).toBe('sat-am');
    // 13:00 UTC Saturday is Sunday 00:00 in Sydney: "Sunday" now matches two slots.
    expect(id('Sunday', 'Australia/Sydney')).toBeNull();
  });
});

describe('party size', () => {
  it.each([
    ['count me in', 1],
    ['me + 2 friends', 3],
    ['me +1', 2],
    ['3 of us will come', 3],
    ['me and two others', 3],
    ['me and my wife', 2],
    ['my son and I', 2],
    ['me and 40 friends', 10],
    ['I can do 2pm', 1],
  ])('%s → %i', (text, n) => {
    expect(partySize(text)).toBe(n);
  });
});
