import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ModelReportSummary } from '../../contract/model';
import type { FeatureConfig } from './features';

/** The report summary that travels with a model (full report: model/artifact/report.md). */
export type ReportSummary = ModelReportSummary;

/**
 * A trained model as shipped on disk (model/artifact/) and as published into Redis: the
 * layers topology, the weights (one binary blob), their layout, the feature config, and a
 * version that is a hash of all of them. Identical bytes → identical version everywhere.
 */
export interface ModelArtifact {
  version: string;
  topology: object;
  weightSpecs: WeightSpec[];
  weights: Uint8Array;
  features: FeatureConfig;
  summary: ReportSummary | null;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
}

export const featureConfigSchema = z.object({
  version: z.string(),
  scheme: z.literal('hash-v2').optional(),
  dims: z.number().int().positive(),
  charNgrams: z.tuple([z.number().int(), z.number().int()]),
  wordNgrams: z.tuple([z.number().int(), z.number().int()]),
  wordWeight: z.number(),
  negationWindow: z.number().int(),
  seed: z.number().int(),
});

const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int()),
  dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
});

const modelJsonSchema = z.object({
  format: z.literal('layers-model'),
  version: z.string(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpecSchema) })).length(1),
});

export const reportSummarySchema = z.object({
  macroF1: z.number(),
  accuracy: z.number(),
  baselineMacroF1: z.number(),
  testSize: z.number(),
  trainSize: z.number(),
  corrections: z.number(),
  seed: z.number(),
});

/** The version: a hash of topology, weight layout, weights and feature config. */
export function artifactVersion(a: Omit<ModelArtifact, 'version' | 'summary'>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(a.topology));
  h.update(JSON.stringify(a.weightSpecs));
  h.update(a.weights);
  h.update(JSON.stringify(a.features));
  return `m-${h.digest('hex').slice(0, 12)}`;
}

/** Writes model.json + weights.bin + features.json (+ summary.json) into `dir`. */
export async function writeArtifact(dir: string, a: ModelArtifact): Promise<void> {
  await mkdir(dir, { recursive: true });
  const modelJson = {
    format: 'layers-model',
    version: a.version,
    generatedBy: 'voluntree model/scripts/train.ts',
    modelTopology: a.topology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  await writeFile(path.join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
  await writeFile(path.join(dir, 'weights.bin'), a.weights);
  await writeFile(path.join(dir, 'features.json'), `${JSON.stringify(a.features, null, 2)}\n`);
  if (a.summary) await writeFile(path.join(dir, 'summary.json'), `${JSON.stringify(a.summary, null, 2)}\n`);
}

/**
 * Reads an artifact folder and checks it: a missing or damaged file, or a version that does
 * not match the bytes, is an error that says which file to restore (`npm run train`).
 */
export async function readArtifact(dir: string): Promise<ModelArtifact> {
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(path.join(dir, file));
    } catch {
      throw new Error(`model artifact is incomplete: ${path.join(dir, file)} is missing. Run "npm run train" to rebuild it.`);
    }
  };
  const modelJson = modelJsonSchema.parse(JSON.parse((await read('model.json')).toString('utf8')));
  const features = featureConfigSchema.parse(JSON.parse((await read('features.json')).toString('utf8'))) as FeatureConfig;
  const weights = new Uint8Array(await read('weights.bin'));
  let summary: ReportSummary | null = null;
  try {
    summary = reportSummarySchema.parse(JSON.parse(await readFile(path.join(dir, 'summary.json'), 'utf8')));
  } catch {
    summary = null;
  }
  const body = { topology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights, weights, features };
  const version = artifactVersion(body);
  if (version !== modelJson.version) {
    throw new Error(`model artifact in ${dir} is damaged: its files hash to ${version}, not ${modelJson.version}. Run "npm run train" to rebuild it.`);
  }
  return { version, summary, ...body };
}
