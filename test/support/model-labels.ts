import path from 'node:path';
import type { IntentName } from '../../src-main/contract/events';
import { readArtifact } from '../../src-main/engine/model/artifact';
import { selectBackend } from '../../src-main/engine/model/backend';
import { IntentModel } from '../../src-main/engine/model/intent-model';

/** The artifact a fresh data folder starts with (what `serve` and the engine load). */
export const SHIPPED_ARTIFACT = path.resolve(import.meta.dirname, '..', '..', 'model', 'artifact');

/** A comment text with the intent the shipped model gives it. */
export interface LabelledText {
  text: string;
  intent: IntentName;
  confidence: number;
}

/**
 * Classifies texts with the shipped model artifact, the same bytes the app under test loads,
 * so a test can say what the pipeline must make of each comment without trusting the app.
 */
export async function classifyWithShippedModel(texts: readonly string[]): Promise<LabelledText[]> {
  // The backend the engine picks too (and, in one process, the one it keeps using).
  await selectBackend();
  const model = await IntentModel.load(await readArtifact(SHIPPED_ARTIFACT));
  try {
    return model.classify(texts).map((p, i) => ({ text: texts[i]!, intent: p.intent as IntentName, confidence: p.confidence }));
  } finally {
    model.dispose();
  }
}

/**
 * The texts of `wanted` (intent → candidate texts) that the shipped model gives the intended
 * intent with a clear margin, so float differences between TensorFlow.js backends cannot flip
 * one. Throws when a kind has fewer than
 * `atLeast` texts left, so a retrained model that reads them differently fails loudly here.
 */
export async function textsTheModelReads<K extends string>(
  wanted: Record<K, { intent: IntentName; texts: readonly string[] }>,
  atLeast = 2,
  minConfidence = 0.8,
): Promise<Record<K, LabelledText[]>> {
  const kinds = Object.keys(wanted) as K[];
  const all = kinds.flatMap((k) => wanted[k].texts);
  const labelled = await classifyWithShippedModel(all);
  const out = {} as Record<K, LabelledText[]>;
  let i = 0;
  for (const k of kinds) {
    const mine = labelled.slice(i, i + wanted[k].texts.length);
    i += wanted[k].texts.length;
    out[k] = mine.filter((l) => l.intent === wanted[k].intent && l.confidence >= minConfidence);
    if (out[k].length < atLeast) {
      const seen = mine.map((l) => `"${l.text}" → ${l.intent} ${l.confidence.toFixed(2)}`).join('; ');
      throw new Error(`the shipped model reads too few of the ${k} texts as ${wanted[k].intent}: ${seen}`);
    }
  }
  return out;
}
