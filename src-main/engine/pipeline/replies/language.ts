import { detectAll } from 'tinyld';
import { REPLY_LANGUAGES, type ReplyLanguage } from '../../../contract/events';

export function isReplyLanguage(x: unknown): x is ReplyLanguage {
  return typeof x === 'string' && (REPLY_LANGUAGES as readonly string[]).includes(x);
}

/**
 * How sure the detector must be before a reply leaves the Page's default language. Comments are
 * short ("me pls", "ok me", "pick me" all look Spanish to a character model), and answering an
 * English speaker in Spanish is worse than answering a Spanish speaker in the Page's language,
 * so a language is taken only when its score is at least MIN_SCORE and at least MARGIN times the
 * runner-up's. Chosen on model/data/handwritten/dev.jsonl (its `lang` column): 2 of 207 English
 * or language-less comments read as another language; of 210 in other languages 167 read
 * right, 5 as another language and 38 are left to the Page's language.
 */
const MIN_SCORE = 0.1;
const MARGIN = 2;

/**
 * The language a comment is written in, or null when it cannot be told (emoji, "+1", a name, or
 * too close to call): the caller then uses the Page's default language.
 */
export function detectLanguage(text: string): ReplyLanguage | null {
  if (!/\p{L}/u.test(text)) return null;
  const ranked = detectAll(text.slice(0, 2000), { only: [...REPLY_LANGUAGES] });
  const top = ranked[0];
  if (!top || !isReplyLanguage(top.lang) || top.accuracy < MIN_SCORE) return null;
  const second = ranked[1]?.accuracy ?? 0;
  return top.accuracy >= MARGIN * second ? top.lang : null;
}
