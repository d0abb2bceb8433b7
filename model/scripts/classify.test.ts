import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function classify(input: string | null, args: string[] = []): { code: number | null; out: string; err: string } {
  const r = spawnSync(TSX, ['model/scripts/classify.ts', ...args], { cwd: ROOT, input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('npm run classify', () => {
  it('prints one JSON line per comment, plain lines and JSON lines alike', () => {
    const r = classify('count me in!\n{"text":"not interested"}\n\nis parking available?\n');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { text: string; intent: string; confidence: number });
    expect(lines.map((l) => [l.text, l.intent])).toEqual([
      ['count me in!', 'signup'],
      ['not interested', 'other'],
      ['is parking available?', 'question'],
    ]);
    expect(lines.every((l) => l.confidence > 0 && l.confidence <= 1)).toBe(true);
  });

  it('marks needsReview exactly when the confidence is below the review threshold', () => {
    const texts = 'count me in!\nhmm\nis parking available?\n';
    // Printed confidences are rounded to four places (0.99996 prints as 1), so the cut is taken
    // where no printed value sits on it.
    const all = classify(texts, ['--review-threshold', '0.9']);
    const none = classify(texts, ['--review-threshold', '0']);
    const rows = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l) as { confidence: number; needsReview: boolean });
    expect(rows(all.out).every((l) => Math.abs(l.confidence - 0.9) > 1e-3 && l.needsReview === l.confidence < 0.9)).toBe(true);
    expect(rows(all.out).some((l) => l.needsReview)).toBe(true);
    expect(rows(all.out).some((l) => !l.needsReview)).toBe(true);
    expect(rows(none.out).every((l) => !l.needsReview)).toBe(true);
    const byDefault = rows(classify(texts).out);
    expect(byDefault.every((l) => typeof l.needsReview === 'boolean')).toBe(true);
    const bad = classify(texts, ['--review-threshold', '7']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--review-threshold takes a number from 0 to 1/);
  });

  it('exits non-zero with a clear message on unreadable input', () => {
    const missing = classify(null, ['--file', '/no/such/comments.txt']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('cannot read /no/such/comments.txt');
    const badJson = classify('{"text": broken\n');
    expect(badJson.code).not.toBe(0);
    expect(badJson.err).toMatch(/line 1: .*not valid JSON/);
    const noText = classify('{"message":"hi"}\n');
    expect(noText.err).toMatch(/no "text" string/);
    const binary = classify('abc\u0000def');
    expect(binary.err).toMatch(/binary/);
    const empty = classify('\n\n');
    expect(empty.code).not.toBe(0);
    expect(empty.err).toMatch(/no comments/);
  });
});
