/**
 * Writes model/data/train.jsonl, valid.jsonl and test.jsonl from the templates in
 * model/src/templates.ts (English comments of ordinary length) and model/src/templates-comments.ts
 * (short, emoji-only, tagged and non-English comments). Deterministic: the same seed writes the
 * same files. Whole template families go to one split (every fifth family of each intent and
 * language is test, every tenth is validation), so test and validation measure phrasings the
 * model has never seen. The validation split is what the model's temperature is fitted on.
 *
 * Decontamination: a generated row whose text equals a hand-written one
 * (model/data/handwritten/, compared after lower-casing and trimming) is dropped, so the
 * evaluation set stays unseen even where a template happens to produce one of its comments.
 *
 *   npx tsx model/scripts/generate-data.ts [--seed 7]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { INTENTS, type Intent } from '../../src-main/engine/streams/entries';
import { pick, seededRandom, shuffleInPlace } from '../../src-main/engine/model/training/random';
import { readHandwritten, readTrainingComments, sameText, type TrainingComment } from '../src/handwritten';
import { FILLERS, HAND_WRITTEN, TEMPLATES } from '../src/templates';
import { COMMENT_LANGS, EMOJI_BASES, LANGUAGE_TEMPLATES, SKIN_TONES, type CommentLang } from '../src/templates-comments';

interface Row {
  text: string;
  intent: Intent;
}

const seedArg = process.argv.indexOf('--seed');
const seed = seedArg >= 0 ? Number(process.argv[seedArg + 1]) : 7;
const rand = seededRandom(seed);
const DATA = path.resolve(import.meta.dirname, '..', 'data');

/** How many variants each template family yields (hand-written comments yield fewer). */
const PER_TEMPLATE = 8;
const PER_HAND_WRITTEN = 3;
/** Families of templates-comments.ts are short, with few fillers: fewer variants each. */
const PER_COMMENT_TEMPLATE = 5;

const EMOJI: Record<Intent | 'any', readonly string[]> = {
  signup: ['🙋‍♀️', '🙌', '💪', '👍', '😊', '🙋', '✋'],
  cancel: ['😢', '😞', '🙁', '😭', '🤒', '😔'],
  question: ['🤔', '❓', '🙂', '👀'],
  other: ['❤️', '😂', '👏', '🔥', '💯', '🥰', '🎉'],
  any: ['😊', '🙂', '❤️', '👍', '!!', '...', '🙏', '😅'],
};

const SLANG: [RegExp, string][] = [
  [/\byou\b/gi, 'u'], [/\bare\b/gi, 'r'], [/\bplease\b/gi, 'pls'], [/\bplease\b/gi, 'plz'],
  [/\bgoing to\b/gi, 'gonna'], [/\bwant to\b/gi, 'wanna'], [/\bthanks\b/gi, 'thx'], [/\bfor\b/gi, '4'],
  [/\bto\b/gi, '2'], [/\bI'm\b/g, 'im'], [/\bcan't\b/gi, 'cant'], [/\bwon't\b/gi, 'wont'], [/\bbecause\b/gi, 'cuz'],
  [/\bsee you\b/gi, 'cya'], [/\bokay\b/gi, 'ok'], [/\bthe\b/gi, 'da'], [/\bwith\b/gi, 'w/'],
];

function fill(template: string, fillers: Record<string, readonly string[]> = FILLERS): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const options = fillers[key];
    if (!options) throw new Error(`template uses unknown filler {${key}}: ${template}`);
    return pick(options, rand);
  });
}

function typo(word: string): string {
  if (word.length < 4 || word.startsWith('@')) return word;
  const i = 1 + Math.floor(rand() * (word.length - 2));
  switch (Math.floor(rand() * 4)) {
    case 0: return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // swap
    case 1: return word.slice(0, i) + word.slice(i + 1); // drop
    case 2: return word.slice(0, i) + word[i] + word.slice(i); // double
    default: return word.slice(0, i) + pick('aeiouy'.split(''), rand) + word.slice(i + 1); // wrong vowel
  }
}

/** Accents dropped the way phone keyboards without them write ("đ" too, which NFKD keeps). */
const stripAccents = (t: string): string => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

/** Makes a variant the way people actually type: case, slang, typos, emoji, tags, punctuation. */
function vary(text: string, intent: Intent, plain: boolean, lang: CommentLang = 'en'): string {
  if (plain) return text;
  let t = text;
  if (lang === 'en' && rand() < 0.35) for (const [re, to] of SLANG) if (rand() < 0.4) t = t.replace(re, to);
  if (lang !== 'en' && rand() < (lang === 'vi' ? 0.4 : 0.25)) t = stripAccents(t);
  if (rand() < 0.3) t = t.split(' ').map((w) => (rand() < 0.25 ? typo(w) : w)).join(' ');
  const c = rand();
  if (c < 0.35) t = t.toLowerCase();
  else if (c < 0.43) t = t.toUpperCase();
  else if (c < 0.55) t = t.charAt(0).toUpperCase() + t.slice(1);
  if (rand() < 0.25) t = t.replace(/[.!?]+$/, '');
  if (rand() < 0.15) t = t.replace(/!+$/, '!!!');
  if (rand() < 0.35) t = `${t} ${pick(rand() < 0.3 ? EMOJI[intent] : EMOJI.any, rand)}`;
  if (rand() < 0.08 && !t.startsWith('@')) t = `@${pick(FILLERS.name!, rand)} ${t}`;
  if (rand() < 0.05) t = t.replace(/ /g, '  ');
  return t.trim();
}

/** One emoji-only comment: a base with the skin tones, selectors and repeats phones produce. */
function emojiComment(intent: 'signup' | 'other'): string {
  const one = (): string => {
    let e = pick(EMOJI_BASES[intent], rand);
    const toned = /^[\u{1F44B}-\u{1F450}\u{1F64B}\u{1F64C}\u{270B}\u{1F91A}\u{1F590}\u{261D}\u{1F4AA}\u{1F91D}]/u.test(e);
    if (toned && rand() < 0.5) {
      const cps = Array.from(e);
      cps.splice(1, 0, pick(SKIN_TONES, rand));
      e = cps.join('');
    }
    if (/^[\u{261D}\u{2764}\u{1F590}]$/u.test(e) && rand() < 0.6) e = `${e}\uFE0F`;
    return e;
  };
  const first = one();
  const r = rand();
  if (r < 0.4) return first;
  if (r < 0.65) return first.repeat(2 + Math.floor(rand() * 2));
  if (r < 0.85) return `${first}${one()}`;
  return `${first}${rand() < 0.5 ? '!' : '!!'}`;
}

interface Family {
  text: string;
  intent: Intent;
  lang: CommentLang;
  fillers: Record<string, readonly string[]>;
  n: number;
}

/** How many emoji-only rows each intent gets (spread over train, validation and test). */
const EMOJI_ROWS = { signup: 300, other: 160 } as const;

/**
 * Variants of each comment of the hand-written training corpus. It reads like a comment section
 * and the templates do not, so it gets as many variants as a template family, spelled the way
 * phones type (vary()).
 */
const PER_TRAINING_COMMENT = 4;

function build(exclude: ReadonlySet<string>, corpus: readonly TrainingComment[]): { train: Row[]; valid: Row[]; test: Row[]; dropped: number } {
  const train: Row[] = [];
  const valid: Row[] = [];
  const test: Row[] = [];
  let dropped = 0;
  const splitOf = (i: number): Row[] => (i % 5 === 2 ? test : i % 10 === 4 ? valid : train);
  const push = (into: Row[], row: Row): void => {
    if (exclude.has(sameText(row.text))) dropped += 1;
    else into.push(row);
  };
  for (const intent of INTENTS) {
    const families: Family[] = [
      ...TEMPLATES[intent].map((text) => ({ text, intent, lang: 'en' as const, fillers: FILLERS, n: PER_TEMPLATE })),
      ...HAND_WRITTEN[intent].map((text) => ({ text, intent, lang: 'en' as const, fillers: FILLERS, n: PER_HAND_WRITTEN })),
    ];
    for (const lang of COMMENT_LANGS) {
      const { fillers, templates } = LANGUAGE_TEMPLATES[lang];
      families.push(...templates[intent].map((text) => ({ text, intent, lang, fillers, n: PER_COMMENT_TEMPLATE })));
    }
    families.forEach(({ text: t, lang, fillers, n }, i) => {
      const into = splitOf(i);
      const seen = new Set<string>();
      for (let k = 0; k < n; k += 1) {
        const text = vary(fill(t, fillers), intent, k === 0, lang);
        if (seen.has(text)) continue;
        seen.add(text);
        push(into, { text, intent });
      }
    });
  }
  for (const intent of ['signup', 'other'] as const) {
    const seen = new Set<string>();
    for (let i = 0; i < EMOJI_ROWS[intent]; i += 1) {
      const text = emojiComment(intent);
      if (seen.has(text)) continue;
      seen.add(text);
      push(splitOf(i), { text, intent });
    }
  }
  // Every tenth comment of the corpus goes to validation, so the temperature is also fitted on
  // comments written like a comment section, not only on template output. None goes to test:
  // the test split stays comparable with earlier reports.
  corpus.forEach(({ text: t, intent, lang }, i) => {
    const into = i % 10 === 4 ? valid : train;
    const seen = new Set<string>();
    for (let k = 0; k < PER_TRAINING_COMMENT; k += 1) {
      const text = vary(t, intent, k === 0, lang);
      if (seen.has(text)) continue;
      seen.add(text);
      push(into, { text, intent });
    }
  });
  // A test or validation comment that equals a training one (after normalising) says nothing new.
  const trainTexts = new Set(train.map((r) => norm(r.text)));
  const unseen = (rows: Row[]): Row[] => rows.filter((r) => !trainTexts.has(norm(r.text)));
  return { train: shuffleInPlace(train, rand), valid: shuffleInPlace(unseen(valid), rand), test: shuffleInPlace(unseen(test), rand), dropped };
}

// Compared with Unicode letters and emoji kept, so "🙋" and "🙌" stay different comments.
const norm = (s: string): string => s.toLowerCase().replace(/[\s.,!?;:'"()]+/g, ' ').trim();

// The evaluation set is never trained on. The development set is: it is written like the evaluation set, and a model that has seen that style does
// better on a Page's comments; its rows join the corpus after the training corpus's, so the
// corpus rows keep their split. Its figures in reports are therefore training figures.
const evaluation = readHandwritten(path.join(DATA, 'handwritten', 'eval.jsonl'));
// Emoji-only rows (lang und) stay out: variants would append other emoji and turn a heart into
// a heart and a raised hand; the generator's emoji rows cover them.
const development = readHandwritten(path.join(DATA, 'handwritten', 'dev.jsonl')).flatMap(({ text, intent, lang }) => (lang === 'und' ? [] : [{ text, intent, lang }]));
const corpus = [...readTrainingComments(path.join(DATA, 'handwritten', 'train-comments.jsonl')), ...development];
const { train, valid, test, dropped } = build(new Set(evaluation.map((r) => sameText(r.text))), corpus);
const jsonl = (rows: Row[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
writeFileSync(path.join(DATA, 'train.jsonl'), jsonl(train));
writeFileSync(path.join(DATA, 'valid.jsonl'), jsonl(valid));
writeFileSync(path.join(DATA, 'test.jsonl'), jsonl(test));
const count = (rows: Row[]) => Object.fromEntries(INTENTS.map((i) => [i, rows.filter((r) => r.intent === i).length]));
process.stdout.write(
  `train ${train.length} ${JSON.stringify(count(train))}\nvalid ${valid.length} ${JSON.stringify(count(valid))}\n` +
    `test ${test.length} ${JSON.stringify(count(test))}\ndropped ${dropped} rows equal to a hand-written comment\n`,
);
