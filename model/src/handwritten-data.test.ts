import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTENTS } from '../../src-main/contract/intents';
import { readLabelled } from '../../src-main/engine/model/training/data';
import { LANGS, readHandwritten, readTrainingComments, sameText, SLICES, type HandwrittenComment } from './handwritten';

const dir = path.resolve(import.meta.dirname, '../data/handwritten');
const evalSet = readHandwritten(path.join(dir, 'eval.jsonl'));
const devSet = readHandwritten(path.join(dir, 'dev.jsonl'));

// The minimums the sets promise in their README: enough rows per language and per slice
// that a score of 0.90 on one of them is more than a handful of lucky rows.
const minimums = {
  eval: { total: 900, perLanguage: 70, perLanguageIntent: 15, english: 350, perEnglishSlice: 40 },
  dev: { total: 400, perLanguage: 30, perLanguageIntent: 6, english: 150, perEnglishSlice: 20 },
};
const OTHER_LANGS = LANGS.filter((l) => l !== 'en' && l !== 'und');
const ENGLISH_SLICES = SLICES.filter((s) => s !== 'lang');

const count = (rows: HandwrittenComment[], keep: (r: HandwrittenComment) => boolean): number => rows.filter(keep).length;

describe.each([
  ['eval', evalSet, minimums.eval],
  ['dev', devSet, minimums.dev],
] as const)('hand-written %s set', (_name, rows, min) => {
  it('has the promised number of rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(min.total);
    expect(count(rows, (r) => r.lang === 'en')).toBeGreaterThanOrEqual(min.english);
  });

  it.each(OTHER_LANGS)('has enough %s rows, of all four intents', (lang) => {
    expect(count(rows, (r) => r.lang === lang)).toBeGreaterThanOrEqual(min.perLanguage);
    for (const intent of INTENTS) expect(count(rows, (r) => r.lang === lang && r.intent === intent), intent).toBeGreaterThanOrEqual(min.perLanguageIntent);
  });

  it.each(ENGLISH_SLICES)('has enough rows in the %s slice', (slice) => {
    expect(count(rows, (r) => r.slice === slice)).toBeGreaterThanOrEqual(min.perEnglishSlice);
  });

  it('keeps each intent slice to its own intent and short comments short', () => {
    for (const r of rows) {
      if (r.slice === 'signup' || r.slice === 'cancel' || r.slice === 'question' || r.slice === 'other') expect(r.intent, r.text).toBe(r.slice);
      if (r.slice === 'short') expect(r.text.trim().split(/\s+/).length, r.text).toBeLessThanOrEqual(3);
    }
  });

  it('has no text twice (ignoring case and surrounding spaces)', () => {
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const r of rows) {
      if (seen.has(sameText(r.text))) twice.push(r.text);
      seen.add(sameText(r.text));
    }
    expect(twice).toEqual([]);
  });
});

describe('the evaluation set stays held out', () => {
  it('shares no text with the dev set', () => {
    const dev = new Set(devSet.map((r) => sameText(r.text)));
    expect(evalSet.filter((r) => dev.has(sameText(r.text))).map((r) => r.text)).toEqual([]);
  });

  it('has no row in the training data', () => {
    const train = new Set(readLabelled(path.resolve(import.meta.dirname, '../data/train.jsonl')).map((r) => sameText(r.text)));
    expect(train.size).toBeGreaterThan(0);
    // The evaluation set is the fixed one: a text both hold must leave the training data.
    const inTraining = evalSet.filter((r) => train.has(sameText(r.text))).map((r) => r.text);
    expect(inTraining, 'evaluation texts found in train.jsonl').toEqual([]);
  });

  it('holds the comments the model is judged on (issue probes)', () => {
    const byText = new Map(evalSet.map((r) => [sameText(r.text), r.intent]));
    for (const text of ['Interested', '+1', '🙋', '✋', 'Going', 'cuenten conmigo!']) expect(byText.get(sameText(text)), text).toBe('signup');
    for (const text of ['wish I could', 'Not interested, thanks']) expect(byText.get(sameText(text)), text).toBe('other');
  });
});

describe('readHandwritten', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'vt-handwritten-'));
  const good = { text: 'count me in', intent: 'signup', slice: 'signup', lang: 'en' };
  const read = (...lines: string[]): HandwrittenComment[] => {
    const file = path.join(tmp, 'set.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    return readHandwritten(file);
  };
  const line = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, ...patch });

  it('reads good rows, skipping blank lines, and keeps the text as written', () => {
    expect(read(line({ text: '  me!! ' }), '', line({ text: '🙋🏽‍♀️', slice: 'emoji', lang: 'und' }))).toEqual([
      { ...good, text: '  me!! ' },
      { text: '🙋🏽‍♀️', intent: 'signup', slice: 'emoji', lang: 'und' },
    ]);
  });

  it.each([
    ['broken JSON', '{"text": "hi"', /set\.jsonl:2: not JSON/],
    ['an unknown intent', line({ intent: 'maybe' }), /set\.jsonl:2: intent/],
    ['an unknown slice', line({ slice: 'typo' }), /set\.jsonl:2: slice/],
    ['an unknown language', line({ lang: 'xx' }), /set\.jsonl:2: lang/],
    ['a missing language', JSON.stringify({ text: 'yes', intent: 'signup', slice: 'short' }), /set\.jsonl:2: lang/],
    ['a blank text', line({ text: '   ' }), /text is blank/],
    ['an extra field', line({ source: 'web' }), /set\.jsonl:2:/],
    ['a non-English row outside the lang slice', line({ lang: 'es' }), /slice "lang"/],
    ['an English row in the lang slice', line({ slice: 'lang' }), /slice "lang"/],
    ['an emoji row with a language', line({ text: '✋', slice: 'emoji' }), /lang "und"/],
    ['a worded row marked und', line({ lang: 'und' }), /lang "und"/],
  ])('rejects %s, naming the line', (_what, bad, message) => {
    expect(() => read(line({}), bad)).toThrow(message);
  });

  it('reads the files as UTF-8 (accents, Vietnamese, ZWJ emoji survive)', () => {
    const raw = readFileSync(path.join(dir, 'eval.jsonl'), 'utf8');
    expect(raw).toContain('🙋‍♀️');
    expect(evalSet.some((r) => r.lang === 'vi' && /[ạảãáàâăđêôơư]/.test(r.text))).toBe(true);
  });
});

describe('hand-written training corpus (train-comments.jsonl)', () => {
  const corpus = readTrainingComments(path.join(dir, 'train-comments.jsonl'));

  it('holds all four intents in every language the evaluation set has', () => {
    for (const lang of ['en', ...OTHER_LANGS]) {
      for (const intent of INTENTS) expect(count(corpus as HandwrittenComment[], (r) => r.lang === lang && r.intent === intent), `${lang} ${intent}`).toBeGreaterThanOrEqual(10);
    }
  });

  it('reaches training only through the generator, which drops rows equal to an evaluation text', () => {
    // The corpus may happen to contain a short comment the evaluation set also has ("no
    // thanks"); what must never happen is that such a text survives into train.jsonl.
    const held = new Set(evalSet.map((r) => sameText(r.text)));
    const train = readLabelled(path.resolve(import.meta.dirname, '../data/train.jsonl'));
    expect(train.filter((r) => held.has(sameText(r.text))).length).toBe(0);
    const trainTexts = new Set(train.map((r) => sameText(r.text)));
    expect(corpus.filter((r) => !held.has(sameText(r.text)) && trainTexts.has(sameText(r.text))).length).toBeGreaterThan(corpus.length * 0.8);
  });

  it('trains on the development set too (all but its emoji-only rows), never on the evaluation set', () => {
    const seen = new Set(['train.jsonl', 'valid.jsonl'].flatMap((f) => readLabelled(path.resolve(import.meta.dirname, '../data', f))).map((r) => sameText(r.text)));
    const dev = devSet.filter((r) => r.lang !== 'und');
    expect(dev.filter((r) => seen.has(sameText(r.text))).length).toBeGreaterThan(dev.length * 0.95);
    expect(devSet.filter((r) => r.lang === 'und' && seen.has(sameText(r.text))).length).toBeLessThan(devSet.filter((r) => r.lang === 'und').length);
    expect(evalSet.filter((r) => seen.has(sameText(r.text)))).toEqual([]);
  });
});

describe('readTrainingComments', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'vt-corpus-'));
  const good = { text: 'me apunto', intent: 'signup', lang: 'es' };
  const read = (...lines: string[]) => {
    const file = path.join(tmp, 'corpus.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    return readTrainingComments(file);
  };
  const line = (patch: Record<string, unknown>): string => JSON.stringify({ ...good, ...patch });

  it('reads good rows and skips blank lines', () => {
    expect(read(line({}), '', line({ text: 'tô dentro', lang: 'pt' }))).toEqual([good, { text: 'tô dentro', intent: 'signup', lang: 'pt' }]);
  });

  it.each([
    ['broken JSON', '{"text": "hi"', /corpus\.jsonl:2: not JSON/],
    ['an unknown intent', line({ intent: 'maybe' }), /corpus\.jsonl:2: intent/],
    ['an emoji-only language', line({ lang: 'und' }), /corpus\.jsonl:2: lang/],
    ['a slice (the corpus has none)', line({ slice: 'lang' }), /corpus\.jsonl:2:/],
    ['a blank text', line({ text: ' ' }), /text is blank/],
  ])('rejects %s, naming the line', (_what, bad, message) => {
    expect(() => read(line({}), bad)).toThrow(message);
  });
});
