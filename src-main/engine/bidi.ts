/** FIRST STRONG ISOLATE: what follows takes the direction of its first letter, and nothing outside. */
export const FSI = '\u2068';
/** POP DIRECTIONAL ISOLATE: ends the isolate, and with it any embedding or override opened inside. */
export const PDI = '\u2069';

/** The isolate marks themselves (LRI, RLI, FSI, PDI): inside a name they could end our isolate early. */
const ISOLATE_MARKS = /[\u2066-\u2069]/g;

/**
 * Someone else's text (a person's name) set inside one of the app's sentences, between FSI and
 * PDI, so its direction cannot leak: an unclosed RIGHT-TO-LEFT OVERRIDE in a name ends at the
 * PDI instead of reversing the rest of the sentence, and an Arabic or Hebrew name does not pull
 * the words or numbers next to it into its run. Isolate marks inside the text are dropped, so
 * the text cannot close the isolate itself; the renderer shows each isolate as a `<bdi>`.
 */
export function isolate(text: string): string {
  return `${FSI}${text.replace(ISOLATE_MARKS, '')}${PDI}`;
}
