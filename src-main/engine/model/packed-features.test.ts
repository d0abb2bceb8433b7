import { describe, expect, it } from 'vitest';
import { featureConfig, featurize, HASH_V1_SETTINGS } from './features';
import { packFeatures, unpackFeatures, PACKED_PATTERN } from './packed-features';

describe('packed features', () => {
  // Packing addresses 4,096 buckets; models with more (16,384 since m-1c0e862bba78) send plain arrays.
  const cfg = featureConfig({ ...HASH_V1_SETTINGS, scheme: 'hash-v2' });

  it('round-trips real comments exactly, in about half the characters of JSON', () => {
    for (const text of ['count me in!', "I can't not help!!", 'Is parking available at the park on Sunday? 🙂', '', 'NOT INTERESTED sorry @Jenny Park']) {
      const pairs = featurize(text, cfg);
      const packed = packFeatures(pairs)!;
      expect(packed).toMatch(PACKED_PATTERN);
      expect(unpackFeatures(packed)).toEqual(pairs);
      expect(packed.length).toBeLessThan(JSON.stringify(pairs).length);
    }
  });

  it('keeps the edges of its range and refuses what does not fit', () => {
    const edges = [0, -2048, 1, 2047, 4095, -1, 17, 0];
    expect(unpackFeatures(packFeatures(edges)!)).toEqual(edges);
    expect(packFeatures([4096, 1])).toBeNull();
    expect(packFeatures([-1, 1])).toBeNull();
    expect(packFeatures([3, 2048])).toBeNull();
    expect(packFeatures([3, -2049])).toBeNull();
    expect(packFeatures([3, 0.5])).toBeNull();
    expect(packFeatures([3])).toBeNull();
    expect(packFeatures([])).toBe('');
  });

  it('throws on a string that was not packed', () => {
    expect(() => unpackFeatures('abc')).toThrow(/multiple of 4/);
    expect(() => unpackFeatures('ab=c')).toThrow(/bad character/);
    expect(() => unpackFeatures('abçd')).toThrow(/bad character/);
  });
});
