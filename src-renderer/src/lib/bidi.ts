/** FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the marks the engine puts around a name in its sentences. */
export const FSI = '\u2068';
export const PDI = '\u2069';

const ISOLATE_MARKS = /[\u2066-\u2069]/g;
const OPENS_ISOLATE = /[\u2066-\u2068]/;

/**
 * A name to set inside one of the app's own sentences, marked as the engine marks them
 * (src-main/engine/bidi.ts): its isolate marks are dropped, so it cannot close the isolate early.
 * Show the sentence with `SentenceText`, which turns each marked part into a `<bdi>`.
 */
export function isolate(text: string): string {
  return `${FSI}${text.replace(ISOLATE_MARKS, '')}${PDI}`;
}

export interface SentencePart {
  /** `isolated`: someone else's text (a name), to be shown in a `<bdi>`; `text`: the app's own words. */
  kind: 'text' | 'isolated';
  text: string;
}

/**
 * A sentence split at its isolates: each FSI … PDI becomes an `isolated` part without the marks
 * (a `<bdi>` does their job in the page). Isolates inside one stay in its text; an isolate left
 * open runs to the end, so the rest is still kept apart from the app's words; a stray PDI is dropped.
 */
export function splitIsolates(sentence: string): SentencePart[] {
  const parts: SentencePart[] = [];
  let depth = 0;
  let buf = '';
  const flush = (kind: SentencePart['kind']): void => {
    if (buf) parts.push({ kind, text: buf });
    buf = '';
  };
  for (const ch of sentence) {
    if (depth === 0) {
      if (ch === FSI) {
        flush('text');
        depth = 1;
      } else if (ch !== PDI) buf += ch;
      continue;
    }
    if (OPENS_ISOLATE.test(ch)) depth += 1;
    else if (ch === PDI) {
      depth -= 1;
      if (depth === 0) {
        flush('isolated');
        continue;
      }
    }
    buf += ch;
  }
  flush(depth === 0 ? 'text' : 'isolated');
  return parts;
}
