import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArtifact, type ModelArtifact } from './artifact';
import { selectBackend } from './backend';
import { IntentModel, type Prediction } from './intent-model';

const ARTIFACT = path.resolve(import.meta.dirname, '../../../model/artifact');

const TEXTS = [
  'not interested',
  'I am NOT interested, thanks',
  "I can't not help!",
  'Sign me up! What should I bring?',
  'me + 2 friends',
  'I can do the afternoon',
  'Sunday works',
  "can't make it anymore 😢",
  'take me off the list pls',
  'is parking available?',
  '@Jenny Park you in?',
  'CLICK HERE FOR FREE FOLLOWERS',
  'cnt wait!! put me dwn 4 the mornin shift',
];

describe('intent model artifact', () => {
  let artifact: ModelArtifact;
  beforeAll(async () => {
    artifact = await readArtifact(ARTIFACT);
  });

  it('is small and its version matches its bytes', () => {
    // 16,384 buckets × 64 hidden units ≈ 4 MiB; the budget for the shipped model is 5 MB.
    expect(artifact.weights.byteLength).toBeLessThan(5 * 1000 * 1000);
    expect(artifact.version).toMatch(/^m-[0-9a-f]{12}$/);
    // The generated test split: well above keyword matching (the hand-written figures are in report.md).
    expect(artifact.summary!.macroF1).toBeGreaterThanOrEqual(artifact.summary!.baselineMacroF1 + 0.15);
    expect(artifact.summary!.macroF1 - artifact.summary!.baselineMacroF1).toBeGreaterThan(0.15);
  });

  it('answers the comments that matter as the coordinator expects', async () => {
    await selectBackend('wasm');
    const model = await IntentModel.load(artifact);
    const p = model.classify(TEXTS).map((x) => x.intent);
    expect(p.slice(0, 2)).not.toContain('signup');
    expect(p.slice(2, 7)).toEqual(['signup', 'signup', 'signup', 'signup', 'signup']);
    expect(p.slice(7, 9)).toEqual(['cancel', 'cancel']);
    expect(p[9]).toBe('question');
    expect(p[10]).toBe('other');
    expect(p[11]).toBe('other');
    model.dispose();
  });

  it('gives the same answers on the wasm and cpu backends, sparse and dense paths alike', async () => {
    const runs: Record<string, Prediction[]> = {};
    for (const backend of ['wasm', 'cpu'] as const) {
      await selectBackend(backend);
      const model = await IntentModel.load(artifact);
      const rows = TEXTS.map((t) => model.featurize(t));
      runs[`${backend}-sparse`] = model.predictSparse(rows);
      runs[`${backend}-dense`] = model.predictDense(rows);
      model.dispose();
    }
    const ref = runs['wasm-sparse']!;
    for (const [name, preds] of Object.entries(runs)) {
      expect(preds.map((p) => p.intent), name).toEqual(ref.map((p) => p.intent));
      preds.forEach((p, i) => p.scores.forEach((s, j) => expect(Math.abs(s - ref[i]!.scores[j]!), name).toBeLessThan(1e-4)));
    }
    await selectBackend('wasm');
  });

  it('refuses a damaged or incomplete artifact with a message that says what to do', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'vt-artifact-'));
    try {
      await cp(ARTIFACT, dir, { recursive: true });
      await writeFile(path.join(dir, 'weights.bin'), Buffer.alloc(16));
      await expect(readArtifact(dir)).rejects.toThrow(/damaged.*npm run train/);
      await rm(path.join(dir, 'features.json'));
      await expect(readArtifact(dir)).rejects.toThrow(/features.json is missing/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
