import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SETTINGS, HASH_V1_SETTINGS, MAX_FEATURE_TEXT, densify, featureConfig, featurize, foldEmoji, normaliseText, wordsWithNegation } from './features';

const cfg = featureConfig();

function cosine(a: number[], b: number[]): number {
  const [x, y] = [densify([a], cfg.dims), densify([b], cfg.dims)];
  let dot = 0;
  for (let i = 0; i < cfg.dims; i += 1) dot += x[i]! * y[i]!;
  return dot;
}

describe('features', () => {
  it('are deterministic, sorted, integer pairs inside the configured dims', () => {
    const a = featurize('Count me in for Saturday!! 🙌', cfg);
    expect(featurize('Count me in for Saturday!! 🙌', cfg)).toEqual(a);
    expect(a.length % 2).toBe(0);
    for (let i = 0; i < a.length; i += 2) {
      expect(Number.isInteger(a[i]) && a[i]! >= 0 && a[i]! < cfg.dims).toBe(true);
      expect(Number.isInteger(a[i + 1]) && a[i + 1] !== 0).toBe(true);
      if (i > 0) expect(a[i]!).toBeGreaterThan(a[i - 2]!);
    }
  });

  it('give the config a version that changes with any setting', () => {
    expect(featureConfig().version).toBe(cfg.version);
    expect(featureConfig({ ...DEFAULT_FEATURE_SETTINGS, seed: 1 }).version).not.toBe(cfg.version);
    expect(() => featureConfig({ ...DEFAULT_FEATURE_SETTINGS, dims: 1000 })).toThrow(/power of two/);
  });

  it('keep typos, case, repeated letters and unseen words close to the original', () => {
    const base = featurize('please sign me up for the afternoon', cfg);
    expect(cosine(base, featurize('PLEASE SIGN ME UP FOR THE AFTERNOON', cfg))).toBeCloseTo(1, 5);
    expect(cosine(base, featurize('plese sing me up for teh afternon', cfg))).toBeGreaterThan(0.4);
    expect(cosine(base, featurize('is parking available?', cfg))).toBeLessThan(0.2);
    expect(cosine(featurize('yesss', cfg), featurize('yessssssss', cfg))).toBeCloseTo(1, 5);
  });

  it('mark the words a negation governs, and a double negation cancels', () => {
    expect(wordsWithNegation(normaliseText('I am not interested'), 3)).toEqual(['i', 'am', 'not', '¬interested']);
    expect(wordsWithNegation(normaliseText("I can't not help!"), 3)).toEqual(['i', "can't", '¬not', 'help']);
    expect(wordsWithNegation(normaliseText('not now. Count me in'), 3)).toEqual(['not', '¬now', 'count', 'me', 'in']);
    expect(featurize('interested', cfg)).not.toEqual(featurize('not interested', cfg));
  });

  it('replace mentions and links with tokens and survive empty or odd input', () => {
    expect(normaliseText('@Jenny Park you in? www.x.biz/win')).toBe('@tag you in? @link');
    expect(featurize('', cfg).length).toBeGreaterThan(0);
    expect(featurize('🙌🙌🙌', cfg).length).toBeGreaterThan(0);
    expect(densify([[]], cfg.dims).every((v) => v === 0)).toBe(true);
  });

  describe('hash-v2', () => {
    const v1 = featureConfig(HASH_V1_SETTINGS);

    it('keeps the v1 scheme byte for byte, so models trained before v2 still run', () => {
      // The shipped m-55bb707cd801 names this version in its features.json.
      expect(v1.version).toBe('f1-77d3d1511e');
      expect('scheme' in v1).toBe(false);
      expect(cfg.scheme).toBe('hash-v2');
      expect(cfg.version).toMatch(/^f2-/);
      expect(featurize('🙋🏽‍♀️', v1)).not.toEqual(featurize('🙋', v1));
    });

    it('folds skin tones, gender ZWJ forms and variation selectors: 🙋🏽‍♀️ reads as 🙋', () => {
      expect(foldEmoji('🙋🏽‍♀️ ☝️ ✋🏿 👨‍👩‍👧')).toBe('🙋 ☝ ✋ 👨👩👧');
      expect(featurize('🙋🏽‍♀️', cfg)).toEqual(featurize('🙋', cfg));
      expect(featurize('✋🏻✋🏻', cfg)).toEqual(featurize('✋✋', cfg));
      expect(cosine(featurize('🙋', cfg), featurize('❤️', cfg))).toBeLessThan(0.2);
    });

    it('makes emoji and "+1" words, and "đ" a "d"', () => {
      expect(wordsWithNegation(foldEmoji(normaliseText('+1 🙌🙌 me')), 3, 'hash-v2')).toEqual(['+1', '🙌', '🙌', 'me']);
      expect(wordsWithNegation(normaliseText('+1 🙌 me'), 3)).toEqual(['1', 'me']);
      expect(featurize('mình đi', cfg)).toEqual(featurize('minh di', cfg));
    });

    it('gives a short comment a whole-text token, so "going" alone differs from "going" in a sentence', () => {
      const alone = new Set(featurize('Going', cfg).filter((_v, i) => i % 2 === 0));
      const v1Alone = new Set(featurize('Going', { ...cfg, scheme: undefined }).filter((_v, i) => i % 2 === 0));
      expect(alone.size).toBe(v1Alone.size + 1);
    });

    it('featurises only a bounded prefix of a huge comment', () => {
      const huge = `count me in ${'a'.repeat(4_000_000)}`;
      expect(featurize(huge, cfg)).toEqual(featurize(huge.slice(0, MAX_FEATURE_TEXT), cfg));
    });
  });
});
