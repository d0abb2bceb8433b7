/**
 * A comment's sparse features as they travel on the comments stream: each `[index, value]`
 * pair packed into 24 bits written as four base64url characters. About 370 characters for a
 * typical comment instead of ~670 as a JSON array, and the classifier gear decodes it with a
 * table lookup instead of parsing ~180 JSON numbers and validating each: reading and checking
 * the features was a third of the gear's CPU per batch. Decoding gives back exactly the same
 * integers, so the model's answers do not change.
 *
 * Two layouts, told apart by the first character:
 * - narrow (no prefix): 12-bit bucket, 12-bit signed value, for models of up to 4,096 buckets.
 *   Written whenever every pair fits, so entries from older models stay byte for byte the same.
 * - wide (`~` prefix, a character outside the alphabet): 14-bit bucket, 10-bit signed value, for
 *   models of up to 16,384 buckets (m-1c0e862bba78 and later). Counts above 511 are rare (a
 *   comment is featurised from its first 4,000 characters); such a comment travels as the array.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i += 1) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Largest bucket count a packed string can address (the wide layout). */
export const PACKED_MAX_DIMS = 16384;
const NARROW_DIMS = 4096;
const WIDE_PREFIX = '~';

/** What a packed string looks like (an optional `~`, then whole groups of four base64url characters). */
export const PACKED_PATTERN = /^~?(?:[A-Za-z0-9_-]{4})*$/;

/**
 * Packs flat `[index, value, …]` integer pairs. Returns null when a pair does not fit either
 * layout (a bucket ≥ 16,384, a value too large for the layout, a non-integer): the caller then
 * sends the plain array, which every reader also accepts.
 */
export function packFeatures(pairs: readonly number[]): string | null {
  if (pairs.length % 2 !== 0) return null;
  let narrow = true;
  for (let i = 0; i < pairs.length; i += 2) {
    const index = pairs[i]!;
    const value = pairs[i + 1]!;
    if (!Number.isInteger(index) || !Number.isInteger(value) || index < 0 || index >= PACKED_MAX_DIMS) return null;
    if (index >= NARROW_DIMS) narrow = false;
  }
  return narrow ? pack(pairs, 12, '') ?? pack(pairs, 10, WIDE_PREFIX) : pack(pairs, 10, WIDE_PREFIX);
}

/** Packs with `valueBits` for the value and the rest of 24 bits for the bucket; null when a value does not fit. */
function pack(pairs: readonly number[], valueBits: number, prefix: string): string | null {
  const limit = 1 << (valueBits - 1);
  const mask = (1 << valueBits) - 1;
  let out = prefix;
  for (let i = 0; i < pairs.length; i += 2) {
    const index = pairs[i]!;
    const value = pairs[i + 1]!;
    if (value < -limit || value >= limit || index >= 1 << (24 - valueBits)) return null;
    const bits = (index << valueBits) | (value & mask);
    out += ALPHABET[(bits >> 18) & 63]! + ALPHABET[(bits >> 12) & 63]! + ALPHABET[(bits >> 6) & 63]! + ALPHABET[bits & 63]!;
  }
  return out;
}

/** The pairs back from `packFeatures`' string. Throws on a character outside the alphabet. */
export function unpackFeatures(packed: string): number[] {
  const wide = packed.startsWith(WIDE_PREFIX);
  const start = wide ? 1 : 0;
  const valueBits = wide ? 10 : 12;
  const mask = (1 << valueBits) - 1;
  const half = 1 << (valueBits - 1);
  if ((packed.length - start) % 4 !== 0) throw new Error('packed features: length is not a multiple of 4');
  const out = new Array<number>((packed.length - start) / 2);
  for (let i = start, o = 0; i < packed.length; i += 4, o += 2) {
    const a = DECODE[packed.charCodeAt(i)] ?? -1;
    const b = DECODE[packed.charCodeAt(i + 1)] ?? -1;
    const c = DECODE[packed.charCodeAt(i + 2)] ?? -1;
    const d = DECODE[packed.charCodeAt(i + 3)] ?? -1;
    if ((a | b | c | d) < 0) throw new Error(`packed features: bad character near ${i}`);
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    const value = bits & mask;
    out[o] = bits >> valueBits;
    out[o + 1] = value >= half ? value - 2 * half : value;
  }
  return out;
}
