import { createHash } from 'node:crypto';

/**
 * How a comment becomes the model's input. It ships inside the model artifact, so a worker
 * anywhere turns text into exactly the vector the model was trained on, with nothing to
 * download: hashed character n-grams (robust to typos and unseen words) plus word unigrams and
 * bigrams with negation marking ("not interested" → `not ¬interested`), into `dims` buckets.
 *
 * Two schemes exist. `hash-v1` (no `scheme` field: every artifact made before v2) is exactly
 * the above. `hash-v2` adds what comment sections need: emoji as tokens of their own with skin
 * tones, gender signs, ZWJ and variation selectors folded away (🙋🏽‍♀️ reads as 🙋), "+1" as a
 * word, "đ" folded to "d" (NFKD leaves it), and a whole-text token for comments of three words
 * or fewer, which have few n-grams to go on ("Going", "Interested"). A model runs with the
 * scheme its artifact names, so an old artifact keeps producing the vectors it was trained on.
 */
export type FeatureScheme = 'hash-v1' | 'hash-v2';

export interface FeatureConfig {
  /** Hash of every other field: a model refuses features made with another config. */
  version: string;
  /** Absent means `hash-v1`, so the artifacts written before v2 keep their version hash. */
  scheme?: 'hash-v2';
  /** Number of hash buckets (a power of two). */
  dims: number;
  /** Character n-gram lengths, inclusive. */
  charNgrams: [number, number];
  /** Word n-gram lengths, inclusive (1 = unigrams, 2 = bigrams). */
  wordNgrams: [number, number];
  /** Weight of a word feature relative to a character n-gram. */
  wordWeight: number;
  /** Words after a negation that are marked negated (until punctuation). */
  negationWindow: number;
  /** Hash seed. */
  seed: number;
}

export type FeatureSettings = Omit<FeatureConfig, 'version'>;

/** The settings of models trained before `hash-v2` (m-55bb707cd801 and its retrains). */
export const HASH_V1_SETTINGS: FeatureSettings = {
  dims: 4096,
  charNgrams: [3, 5],
  wordNgrams: [1, 2],
  wordWeight: 4,
  negationWindow: 3,
  seed: 0x5eed,
};

/**
 * New models: `hash-v2` in 16,384 buckets. Comment sections in eight languages have far more
 * distinct words and n-grams than 4,096 buckets hold apart; on the dev set 4,096 → 8,192 →
 * 16,384 buckets gave macro-F1 0.87 → 0.92 → 0.94 with the same data. Inference sums the kernel
 * rows a comment uses, so its cost does not grow with the bucket count; the weights file does
 * (4 MiB at 64 hidden units).
 */
export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = { ...HASH_V1_SETTINGS, scheme: 'hash-v2', dims: 16384 };

export function featureConfig(settings: FeatureSettings = DEFAULT_FEATURE_SETTINGS): FeatureConfig {
  const { dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed } = settings;
  if (!Number.isInteger(Math.log2(dims))) throw new Error(`feature dims must be a power of two (got ${dims})`);
  const scheme: FeatureScheme = settings.scheme ?? 'hash-v1';
  const canonical = JSON.stringify({ dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed, scheme });
  const digest = createHash('sha1').update(canonical).digest('hex').slice(0, 10);
  if (scheme === 'hash-v1') return { version: `f1-${digest}`, dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed };
  return { version: `f2-${digest}`, scheme, dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed };
}

/**
 * Only this much of a comment is featurised: a 4 MB comment costs what a 4,000-character one
 * does (nobody signs up on page three of a comment), and no regex sees the rest.
 */
export const MAX_FEATURE_TEXT = 4000;

const NEGATIONS = new Set([
  'not', 'no', 'never', 'nope', 'nah', 'cannot', 'cant', 'can\'t', 'wont', 'won\'t', 'dont', 'don\'t', 'isnt', 'isn\'t',
  'arent', 'aren\'t', 'wasnt', 'wasn\'t', 'couldnt', 'couldn\'t', 'wouldnt', 'wouldn\'t', 'shouldnt', 'shouldn\'t',
  'didnt', 'didn\'t', 'doesnt', 'doesn\'t', 'aint', 'ain\'t', 'neither', 'nor', 'unable',
]);

/**
 * Normalises a comment: Unicode compatibility form, no accents, lower case, typographic quotes
 * folded, @mentions and links replaced by tokens, letters repeated 3+ times cut to two
 * ("yesss" and "yessss" look alike), whitespace collapsed.
 */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/@[\p{L}\p{N}_'.-]+(?:\s+\p{Lu}[\p{L}'.-]*)?/gu, ' @tag ')
    .replace(/\b(?:https?:\/\/|www\.)\S+|\b\S+\.(?:com|biz|shop|net|org|io|ly)\S*/gi, ' @link ')
    .toLowerCase()
    .replace(/(\p{L})\1{2,}/gu, '$1$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * `hash-v2`'s extra folding, after `normaliseText`: "đ" → "d" (Vietnamese typed with or without
 * it), and emoji reduced to their base: skin-tone modifiers, variation selectors and the ZWJ
 * gender forms removed, remaining ZWJs dropped (🙋🏽‍♀️ → 🙋, ☝️ → ☝).
 */
export function foldEmoji(normalised: string): string {
  return normalised
    .replace(/đ/g, 'd')
    .replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '')
    .replace(/\uFE0E|\uFE0F/g, '')
    .replace(/\u200D[\u2640\u2642\u26A7]/g, '')
    .replace(/\u200D/g, '');
}

const V1_TOKENS = /[\p{L}\p{N}@']+|[.!?,;:]+/gu;
/** v2: emoji one token each, "+1"/"+2" kept whole, then words and punctuation as in v1. */
const V2_TOKENS = /\p{Extended_Pictographic}|\+\d+|[\p{L}\p{N}@']+|[.!?,;:]+/gu;

/** Splits normalised text into words and marks the words a negation governs. */
export function wordsWithNegation(normalised: string, window: number, scheme: FeatureScheme = 'hash-v1'): string[] {
  const tokens = normalised.match(scheme === 'hash-v2' ? V2_TOKENS : V1_TOKENS) ?? [];
  const out: string[] = [];
  let scope = 0;
  for (const tok of tokens) {
    if (/^[.!?,;:]+$/.test(tok)) {
      scope = 0;
      continue;
    }
    const word = tok.replace(/^'+|'+$/g, '');
    if (!word) continue;
    if (NEGATIONS.has(word) || word.endsWith("n't")) {
      // A negation inside a negation's scope cancels it ("can't not help" means helping).
      out.push(scope > 0 ? `¬${word}` : word);
      scope = scope > 0 ? 0 : window;
      continue;
    }
    out.push(scope > 0 ? `¬${word}` : word);
    if (scope > 0) scope -= 1;
  }
  return out;
}

/** 32-bit FNV-1a over UTF-16 code units, seeded; `fnvStart` + `fnvFeed` + `fnvFinish` = `hash`. */
function fnvStart(seed: number): number {
  return (0x811c9dc5 ^ seed) >>> 0;
}

function fnvFeed(h: number, s: string): number {
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Final avalanche so nearby strings spread over the buckets. */
function fnvFinish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}

function hash(s: string, seed: number): number {
  return fnvFinish(fnvFeed(fnvStart(seed), s));
}

/**
 * The sparse feature counts of one comment as flat `[index, value, index, value, ...]` pairs
 * (indices ascending, integer values). This is what travels on the comments stream: compact,
 * and exact to rebuild. A hash's top bit gives the sign, so collisions cancel out on average
 * instead of piling up.
 */
export function featurize(text: string, cfg: FeatureConfig): number[] {
  const counts = new Map<number, number>();
  const addHash = (h: number, weight: number): void => {
    const index = h & (cfg.dims - 1);
    const sign = h & 0x80000000 ? -1 : 1;
    counts.set(index, (counts.get(index) ?? 0) + sign * weight);
  };
  const add = (feature: string, weight: number): void => addHash(hash(feature, cfg.seed), weight);
  const v2 = cfg.scheme === 'hash-v2';
  const bounded = text.length > MAX_FEATURE_TEXT ? text.slice(0, MAX_FEATURE_TEXT) : text;
  const norm = v2 ? foldEmoji(normaliseText(bounded)) : normaliseText(bounded);
  const chars = Array.from(` ${norm} `);
  // Character n-grams hashed in place: the same value as hash(`c${n}:${gram}`) without
  // building each gram's string (featurising is the preprocess stage's main cost).
  for (let n = cfg.charNgrams[0]; n <= cfg.charNgrams[1]; n += 1) {
    const prefix = fnvFeed(fnvStart(cfg.seed), `c${n}:`);
    for (let i = 0; i + n <= chars.length; i += 1) {
      let h = prefix;
      for (let k = i; k < i + n; k += 1) h = fnvFeed(h, chars[k]!);
      addHash(fnvFinish(h), 1);
    }
  }
  const words = wordsWithNegation(norm, cfg.negationWindow, v2 ? 'hash-v2' : 'hash-v1');
  for (let n = cfg.wordNgrams[0]; n <= cfg.wordNgrams[1]; n += 1) {
    for (let i = 0; i + n <= words.length; i += 1) add(`w${n}:${words.slice(i, i + n).join(' ')}`, cfg.wordWeight);
  }
  if (words.length === 0) add('w:<empty>', cfg.wordWeight);
  // A short comment is mostly its whole self: "going" alone is not "going" inside a sentence.
  if (v2 && words.length > 0 && words.length <= 3) add(`t:${words.join(' ')}`, cfg.wordWeight);
  const out: number[] = [];
  for (const index of [...counts.keys()].sort((a, b) => a - b)) {
    const v = counts.get(index)!;
    if (v !== 0) out.push(index, v);
  }
  return out;
}

/**
 * Builds the dense, L2-normalised input matrix (rows × dims, row-major) for a batch of sparse
 * feature rows. Normalising here rather than in `featurize` keeps the stream's numbers small
 * integers; the model always sees unit-length rows.
 */
export function densify(rows: readonly (readonly number[])[], dims: number): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((pairs, r) => {
    let sq = 0;
    for (let i = 1; i < pairs.length; i += 2) sq += pairs[i]! * pairs[i]!;
    const scale = sq > 0 ? 1 / Math.sqrt(sq) : 0;
    const base = r * dims;
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const index = pairs[i]!;
      if (index >= 0 && index < dims) out[base + index] = pairs[i + 1]! * scale;
    }
  });
  return out;
}
