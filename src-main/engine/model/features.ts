import { createHash } from 'node:crypto';

/**
 * How a comment becomes the model's input. It ships inside the model artifact, so a worker
 * anywhere turns text into exactly the vector the model was trained on, with nothing to
 * download: hashed character n-grams (robust to typos and unseen words) plus word unigrams and
 * bigrams with negation marking ("not interested" → `not ¬interested`), into `dims` buckets.
 */
export interface FeatureConfig {
  /** Hash of every other field: a model refuses features made with another config. */
  version: string;
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

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  dims: 4096,
  charNgrams: [3, 5],
  wordNgrams: [1, 2],
  wordWeight: 4,
  negationWindow: 3,
  seed: 0x5eed,
};

export function featureConfig(settings: FeatureSettings = DEFAULT_FEATURE_SETTINGS): FeatureConfig {
  const { dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed } = settings;
  if (!Number.isInteger(Math.log2(dims))) throw new Error(`feature dims must be a power of two (got ${dims})`);
  const canonical = JSON.stringify({ dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed, scheme: 'hash-v1' });
  const version = `f1-${createHash('sha1').update(canonical).digest('hex').slice(0, 10)}`;
  return { version, dims, charNgrams, wordNgrams, wordWeight, negationWindow, seed };
}

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

/** Splits normalised text into words and marks the words a negation governs. */
export function wordsWithNegation(normalised: string, window: number): string[] {
  const tokens = normalised.match(/[\p{L}\p{N}@']+|[.!?,;:]+/gu) ?? [];
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
  const norm = normaliseText(text);
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
  const words = wordsWithNegation(norm, cfg.negationWindow);
  for (let n = cfg.wordNgrams[0]; n <= cfg.wordNgrams[1]; n += 1) {
    for (let i = 0; i + n <= words.length; i += 1) add(`w${n}:${words.slice(i, i + n).join(' ')}`, cfg.wordWeight);
  }
  if (words.length === 0) add('w:<empty>', cfg.wordWeight);
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
