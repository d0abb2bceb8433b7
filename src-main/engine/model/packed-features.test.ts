import { describe, expect, it } from 'vitest';
import { featureConfig, featurize, HASH_V1_SETTINGS } from './features';
import { packFeatures, unpackFeatures, PACKED_PATTERN } from './packed-features';

describe('packed features', () => {
  // A 4,096-bucket model (m-74fa1caf192a and older) gets the narrow layout, byte for byte as before.
  const cfg = featureConfig({ ...HASH_V1_SETTINGS, scheme: 'hash-v2' });
  // The shipped model's config (16,384 buckets) gets the wide one.
  const wideCfg = featureConfig();

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
    expect(packFeatures([4096, 1])!.startsWith('~')).toBe(true);
    expect(packFeatures([-1, 1])).toBeNull();
    expect(packFeatures([3, 2048])).toBeNull();
    expect(packFeatures([3, -2049])).toBeNull();
    expect(packFeatures([3, 0.5])).toBeNull();
    expect(packFeatures([3])).toBeNull();
    expect(packFeatures([])).toBe('');
  });

  it('packs a 16,384-bucket model in the wide layout and reads both layouts', () => {
    expect(wideCfg.dims).toBe(16384);
    for (const text of ['count me in!', 'cuenten conmigo 🙋🏽‍♀️', 'Is parking available at the park on Sunday? 🙂', 'NOT INTERESTED sorry @Jenny Park']) {
      const pairs = featurize(text, wideCfg);
      const packed = packFeatures(pairs)!;
      expect(packed.startsWith('~')).toBe(true);
      expect(packed).toMatch(PACKED_PATTERN);
      expect(unpackFeatures(packed)).toEqual(pairs);
      expect(packed.length).toBeLessThan(JSON.stringify(pairs).length);
    }
    // A narrow string stays narrow: entries written before the wide layout decode as they did.
    expect(packFeatures([4095, 7])!.startsWith('~')).toBe(false);
  });

  it('keeps the wide layout edges and falls back to the array beyond them', () => {
    const edges = [16383, 511, 4096, -512, 0, 1, 12000, -1];
    const packed = packFeatures(edges)!;
    expect(packed.startsWith('~')).toBe(true);
    expect(unpackFeatures(packed)).toEqual(edges);
    // A small bucket with a value too large for 12 bits does not fit anywhere.
    expect(packFeatures([3, 4000])).toBeNull();
    // A value the narrow layout holds but the wide one does not, beside a wide bucket.
    expect(packFeatures([5000, 600])).toBeNull();
    expect(packFeatures([16384, 1])).toBeNull();
    // A narrow-range value that only fits narrow keeps the narrow layout.
    expect(unpackFeatures(packFeatures([3, 2000])!)).toEqual([3, 2000]);
  });

  it('throws on a string that was not packed', () => {
    expect(() => unpackFeatures('abc')).toThrow(/multiple of 4/);
    expect(() => unpackFeatures('ab=c')).toThrow(/bad character/);
    expect(() => unpackFeatures('abçd')).toThrow(/bad character/);
    expect(() => unpackFeatures('~abc')).toThrow(/multiple of 4/);
    expect(() => unpackFeatures('~ab~c')).toThrow(/bad character/);
  });
});
