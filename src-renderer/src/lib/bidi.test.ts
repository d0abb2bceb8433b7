import { describe, expect, it } from 'vitest';
import { isolate, splitIsolates } from './bidi';

describe('splitIsolates', () => {
  it('finds the names the engine marked and keeps the app’s words apart', () => {
    expect(splitIsolates('\u2068Maria Lopez\u2069 and \u2068سارا\u2069 signed up for Beach Cleanup today')).toEqual([
      { kind: 'isolated', text: 'Maria Lopez' },
      { kind: 'text', text: ' and ' },
      { kind: 'isolated', text: 'سارا' },
      { kind: 'text', text: ' signed up for Beach Cleanup today' },
    ]);
    expect(splitIsolates('3 people commented on Beach Cleanup today')).toEqual([{ kind: 'text', text: '3 people commented on Beach Cleanup today' }]);
  });

  it('keeps an override inside its isolate, nested isolates inside theirs, and an unclosed isolate to the end', () => {
    expect(splitIsolates('\u2068Eve \u202eevil\u2069 signed up')).toEqual([
      { kind: 'isolated', text: 'Eve \u202eevil' },
      { kind: 'text', text: ' signed up' },
    ]);
    expect(splitIsolates('\u2068a\u2067b\u2069c\u2069 d')).toEqual([
      { kind: 'isolated', text: 'a\u2067b\u2069c' },
      { kind: 'text', text: ' d' },
    ]);
    expect(splitIsolates('x \u2069\u2068open')).toEqual([
      { kind: 'text', text: 'x ' },
      { kind: 'isolated', text: 'open' },
    ]);
  });

  it('isolates a name the renderer sets in its own sentence, its own marks dropped', () => {
    expect(splitIsolates(`${isolate('Zed\u2069\u202e')} was deleted.`)).toEqual([
      { kind: 'isolated', text: 'Zed\u202e' },
      { kind: 'text', text: ' was deleted.' },
    ]);
  });
});
