/**
 * Writes model/data/train.jsonl and model/data/test.jsonl from the templates and hand-written
 * comments in model/src/templates.ts. Deterministic: the same seed writes the same files.
 * Whole template families go to one split (every fifth family of each intent is test), so the
 * test split measures how the model does on phrasings it has never seen.
 *
 *   npx tsx model/scripts/generate-data.ts [--seed 7]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { INTENTS, type Intent } from '../../src-main/engine/streams/entries';
import { pick, seededRandom, shuffleInPlace } from '../src/random';
import { FILLERS, HAND_WRITTEN, TEMPLATES } from '../src/templates';

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

function fill(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const options = FILLERS[key];
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

/** Makes a variant the way people actually type: case, slang, typos, emoji, tags, punctuation. */
function vary(text: string, intent: Intent, plain: boolean): string {
  if (plain) return text;
  let t = text;
  if (rand() < 0.35) for (const [re, to] of SLANG) if (rand() < 0.4) t = t.replace(re, to);
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

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

function build(): { train: Row[]; test: Row[] } {
  const train: Row[] = [];
  const test: Row[] = [];
  for (const intent of INTENTS) {
    const families = [
      ...TEMPLATES[intent].map((t) => ({ t, n: PER_TEMPLATE })),
      ...HAND_WRITTEN[intent].map((t) => ({ t, n: PER_HAND_WRITTEN })),
    ];
    families.forEach(({ t, n }, i) => {
      const into = i % 5 === 2 ? test : train;
      const seen = new Set<string>();
      for (let k = 0; k < n; k += 1) {
        const text = vary(fill(t), intent, k === 0);
        if (seen.has(text)) continue;
        seen.add(text);
        into.push({ text, intent });
      }
    });
  }
  // A test comment that happens to equal a training one (after normalising) says nothing new.
  const trainTexts = new Set(train.map((r) => norm(r.text)));
  const cleanTest = test.filter((r) => !trainTexts.has(norm(r.text)));
  return { train: shuffleInPlace(train, rand), test: shuffleInPlace(cleanTest, rand) };
}

const { train, test } = build();
const jsonl = (rows: Row[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
writeFileSync(path.join(DATA, 'train.jsonl'), jsonl(train));
writeFileSync(path.join(DATA, 'test.jsonl'), jsonl(test));
const count = (rows: Row[]) => Object.fromEntries(INTENTS.map((i) => [i, rows.filter((r) => r.intent === i).length]));
process.stdout.write(`train ${train.length} ${JSON.stringify(count(train))}\ntest ${test.length} ${JSON.stringify(count(test))}\n`);
