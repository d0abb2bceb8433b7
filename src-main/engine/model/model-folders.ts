import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ModelCandidate, ModelReport } from '../../contract/model';
import { renderReportMarkdown } from './training/report';
import { readArtifact, writeArtifact, type ModelArtifact } from './artifact';

/**
 * Where retrained models live in the app's data folder (never over the shipped model):
 * `<dataDir>/model/candidate/` waits for the coordinator's decision; `<dataDir>/model/in-use/`
 * is the promoted one, which the next start publishes instead of the shipped model.
 * Each holds the artifact files, `report.json` and `report.md`; the candidate also
 * `candidate.json` (how it was trained, and the model in use's report on the same test split).
 */
export interface ModelFolders {
  root: string;
  candidate: string;
  inUse: string;
}

export function modelFolders(dataDir: string): ModelFolders {
  const root = path.join(dataDir, 'model');
  return { root, candidate: path.join(root, 'candidate'), inUse: path.join(root, 'in-use') };
}

// Reports are our own files; a light check guards against a hand-edited or truncated one.
const reportShape = z.looseObject({ version: z.string(), summary: z.looseObject({ macroF1: z.number() }), model: z.looseObject({ perIntent: z.looseObject({}) }) });
const candidateMeta = z.object({
  trainedAt: z.number(), corrections: z.number(), seed: z.number(), epochs: z.number(), current: reportShape.nullable(), temperature: z.number().nullable().optional(),
});

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

async function readReport(dir: string): Promise<ModelReport | null> {
  const parsed = reportShape.safeParse(await readJson(path.join(dir, 'report.json')).catch(() => null));
  return parsed.success ? (parsed.data as unknown as ModelReport) : null;
}

/** Writes a folder next to `dir` first, then swaps it in, so a crash never leaves half a model. */
async function replaceFolder(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.next`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await fill(tmp);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

export async function writeCandidate(f: ModelFolders, artifact: ModelArtifact, c: ModelCandidate): Promise<void> {
  await replaceFolder(f.candidate, async (tmp) => {
    await writeArtifact(tmp, artifact);
    await writeFile(path.join(tmp, 'report.json'), `${JSON.stringify(c.report, null, 2)}\n`);
    await writeFile(path.join(tmp, 'report.md'), renderReportMarkdown(c.report));
    const meta = { trainedAt: c.trainedAt, corrections: c.corrections, seed: c.seed, epochs: c.epochs, current: c.current, temperature: c.temperature ?? null };
    await writeFile(path.join(tmp, 'candidate.json'), `${JSON.stringify(meta, null, 2)}\n`);
  });
}

/** The candidate waiting, or null when there is none (or its files are unusable: `problem` says why). */
export async function readCandidate(f: ModelFolders): Promise<{ candidate: ModelCandidate; artifact: ModelArtifact } | { candidate: null; problem: string | null }> {
  const meta = await readJson(path.join(f.candidate, 'candidate.json')).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : null));
  if (meta === undefined) return { candidate: null, problem: null };
  try {
    const m = candidateMeta.parse(meta);
    const artifact = await readArtifact(f.candidate);
    const report = await readReport(f.candidate);
    if (!report || report.version !== artifact.version) throw new Error('its report.json is missing or belongs to another model');
    const current = m.current as unknown as ModelReport | null;
    return { artifact, candidate: { version: artifact.version, report, current, trainedAt: m.trainedAt, corrections: m.corrections, seed: m.seed, epochs: m.epochs, temperature: m.temperature ?? null } };
  } catch (err) {
    return { candidate: null, problem: `the retrained model in ${f.candidate} is unusable (${err instanceof Error ? err.message : String(err)})` };
  }
}

export async function removeCandidate(f: ModelFolders): Promise<boolean> {
  const existed = await readFile(path.join(f.candidate, 'candidate.json')).then(
    () => true,
    () => false,
  );
  await rm(f.candidate, { recursive: true, force: true });
  return existed;
}

/** Copies the candidate's files into the in-use folder (the next start publishes them). */
export async function saveInUse(f: ModelFolders): Promise<void> {
  await replaceFolder(f.inUse, async (tmp) => {
    await cp(f.candidate, tmp, { recursive: true });
    await rm(path.join(tmp, 'candidate.json'), { force: true });
  });
}

/** The promoted model, null when none was promoted; throws when its files are damaged. */
export async function readInUse(f: ModelFolders): Promise<{ artifact: ModelArtifact; report: ModelReport | null } | null> {
  const exists = await readFile(path.join(f.inUse, 'model.json')).then(
    () => true,
    () => false,
  );
  if (!exists) return null;
  const artifact = await readArtifact(f.inUse);
  const report = await readReport(f.inUse);
  return { artifact, report: report?.version === artifact.version ? report : null };
}

/** The report beside a shipped artifact (model/artifact/report.json), if it is that model's. */
export async function readShippedReport(artifactDir: string, version: string): Promise<ModelReport | null> {
  const report = await readReport(artifactDir).catch(() => null);
  return report?.version === version ? report : null;
}

/**
 * Checks the data folder can hold a retrained model before a training starts, so the
 * coordinator hears at once rather than after a minute of training.
 */
export async function checkWritable(f: ModelFolders): Promise<void> {
  await mkdir(f.root, { recursive: true });
  const probe = path.join(f.root, `.write-check-${process.pid}`);
  await writeFile(probe, 'ok');
  await rm(probe, { force: true });
}
