import { describe, expect, it } from 'vitest';
import { sentenceFor, whenPhrase } from './sentences';
import { act, T0 } from './test-support/fixtures';
import { isolate } from '../bidi';

describe('feed sentences', () => {
  const today = '2026-11-23';
  it('reads one person across several events', () => {
    const acts = [act('3', 'maria', 'signed_up', 'food', T0 + 2), act('2', 'maria', 'signed_up', 'park', T0 + 1), act('1', 'maria', 'signed_up', 'beach', T0)];
    expect(sentenceFor('actor', 'signed_up', today, today, acts)).toBe(`${isolate('Maria Lopez')} signed up for 3 events today`);
  });

  it("reads the coordinator's own actions across events in the plural", () => {
    const mine = [act('2', 'coordinator', 'coordinator_added_signup', 'park', T0 + 1), act('1', 'coordinator', 'coordinator_added_signup', 'beach', T0)];
    for (const a of mine) a.actor.name = 'You';
    expect(sentenceFor('actor', 'coordinator_added_signup', today, today, mine)).toBe('You added signups to 2 events today');
    expect(sentenceFor('actor', 'coordinator_added_signup', today, today, mine.slice(1))).toBe('You added a signup to Beach Cleanup today');
  });

  it('reads many people on one event', () => {
    const acts = ['maria', 'sam', 'ana', 'joe'].map((p, i) => act(`${i}`, p, 'commented', 'beach', T0 + i));
    expect(sentenceFor('object', 'commented', today, today, acts)).toBe('4 people commented on Beach Cleanup today');
    expect(sentenceFor('object', 'commented', today, today, acts.slice(0, 2))).toBe(`${isolate('Maria Lopez')} and ${isolate('Sam Lee')} commented on Beach Cleanup today`);
  });

  it('reads one activity and repeats plainly, with the right verb form', () => {
    expect(sentenceFor('object', 'promoted', '2026-11-22', today, [act('1', 'sam', 'promoted', 'park', T0)])).toBe(
      `${isolate('Sam Lee')} was moved off the waitlist for Park Planting yesterday`,
    );
    const repeats = [act('2', 'ana', 'commented', 'beach', T0 + 1), act('1', 'ana', 'commented', 'beach', T0)];
    expect(sentenceFor('actor', 'commented', today, today, repeats)).toBe(`${isolate('Ana Diaz')} commented on Beach Cleanup 2 times today`);
    const promoted = ['maria', 'sam', 'ana'].map((p, i) => act(`${i}`, p, 'promoted', 'beach', T0 + i));
    expect(sentenceFor('object', 'promoted', today, today, promoted)).toBe('3 people were moved off the waitlist for Beach Cleanup today');
  });

  it('names older days by date, with the year only when it differs', () => {
    expect(whenPhrase('2026-11-02', today)).toBe('on 2 Nov');
    expect(whenPhrase('2025-12-31', '2026-01-01')).toBe('yesterday');
    expect(whenPhrase('2025-11-02', today)).toBe('on 2 Nov 2025');
    expect(sentenceFor('actor', 'signed_up', today, today, [])).toBe('');
  });

  it('isolates each name, so an unclosed right-to-left override in it cannot reverse the sentence', () => {
    const rlo = act('1', 'eve', 'signed_up', 'beach', T0);
    rlo.actor.name = 'Eve \u202eevil';
    expect(sentenceFor('actor', 'signed_up', today, today, [rlo])).toBe('\u2068Eve \u202eevil\u2069 signed up for Beach Cleanup today');
    // A name that tries to close the isolate itself loses its isolate marks: ours is the only PDI.
    const early = act('2', 'zed', 'signed_up', 'beach', T0);
    early.actor.name = 'Zed\u2069\u202e\u2067x';
    const sentence = sentenceFor('object', 'signed_up', today, today, [early, rlo]);
    expect(sentence).toBe('\u2068Zed\u202ex\u2069 and \u2068Eve \u202eevil\u2069 signed up for Beach Cleanup today');
    expect(sentence.match(/\u2069/g)).toHaveLength(2);
  });
});

