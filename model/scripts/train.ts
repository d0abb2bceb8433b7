/**
 * Trains the intent model and writes model/artifact/ (model.json, weights.bin, features.json,
 * summary.json, report.json, report.md).
 *
 *   npm run train -- [--seed 42] [--with-corrections <corrections.json>] [--out model/artifact]
 *                    [--epochs 6] [--force] [--handwritten eval|dev]
 *
 * The new model's report is printed beside the current one before anything is replaced. When
 * the new model scores lower than the current one, it is left in <out>.candidate/ and the
 * current model stays (pass --force to replace anyway).
 *
 * `--handwritten dev` puts the dev set in the report instead of the held-out evaluation set:
 * for tuning runs, so that trying a change never scores eval.jsonl (it is scored only on the
 * few models worth shipping).
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { readArtifact, writeArtifact, type ReportSummary } from '../../src-main/engine/model/artifact';
import { selectBackend } from '../../src-main/engine/model/backend';
import { IntentModel } from '../../src-main/engine/model/intent-model';
import { readCorrections, readLabelled } from '../../src-main/engine/model/training/data';
import { readHandwritten } from '../src/handwritten';
import { buildReport, renderReportMarkdown, type HandwrittenReport } from '../../src-main/engine/model/training/report';
import { scoreHandwritten } from '../../src-main/engine/model/training/slices';
import { trainIntentModel, trainingRows } from '../../src-main/engine/model/training/train-core';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..');
  const seed = Number(arg('seed') ?? 42);
  if (!Number.isInteger(seed)) throw new Error('--seed takes an integer');
  const epochs = arg('epochs') ? Number(arg('epochs')) : undefined;
  const out = path.resolve(arg('out') ?? path.join(root, 'artifact'));
  const correctionsFile = arg('with-corrections');
  const train = readLabelled(path.join(root, 'data', 'train.jsonl'));
  const test = readLabelled(path.join(root, 'data', 'test.jsonl'));
  const valid = readLabelled(path.join(root, 'data', 'valid.jsonl'));
  const corrections = correctionsFile ? readCorrections(path.resolve(correctionsFile)) : [];
  const rows = trainingRows(train, corrections);

  // wasm runs single-threaded in Node, so the same seed gives the same bytes (checked by
  // training twice); cpu is the fallback and is deterministic too, only slower.
  const backend = await selectBackend('wasm').catch(() => selectBackend('cpu'));
  process.stderr.write(`training on the ${backend} backend\n`);
  const started = Date.now();
  const draft = await trainIntentModel(rows, {
    seed,
    ...(epochs ? { epochs } : {}),
    calibrateOn: valid,
    onCalibrated: (t) => process.stderr.write(`temperature ${t} (fitted on valid.jsonl, ${valid.length} comments)\n`),
    onEpoch: (e, loss) => process.stderr.write(`epoch ${e}: loss ${loss.toFixed(4)}\n`),
  });
  const model = await IntentModel.load(draft);
  const report = buildReport(model, test, { seed, trainSize: train.length, corrections: corrections.length });
  // Scored, never trained on: the hand-written set tells how the model reads a real comment section.
  const setName = arg('handwritten') ?? 'eval';
  if (setName !== 'eval' && setName !== 'dev') throw new Error('--handwritten takes eval or dev');
  const evalFile = path.join(root, 'data', 'handwritten', `${setName}.jsonl`);
  const evalRows = readHandwritten(evalFile);
  const previous = existsSync(path.join(out, 'model.json')) ? await readArtifact(out).catch(() => null) : null;
  let previousScore: HandwrittenReport['previous'] = null;
  if (previous) {
    const old = await IntentModel.load(previous);
    previousScore = { version: old.version, score: scoreHandwritten(old, evalRows) };
    old.dispose();
  }
  report.handwritten = { file: `model/data/handwritten/${setName}.jsonl`, size: evalRows.length, model: scoreHandwritten(model, evalRows), previous: previousScore };
  model.dispose();
  const summary: ReportSummary = report.summary;
  const artifact = { ...draft, summary };
  process.stderr.write(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

  const candidate = `${out}.candidate`;
  await rm(candidate, { recursive: true, force: true });
  await writeArtifact(candidate, artifact);
  await writeFile(path.join(candidate, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(path.join(candidate, 'report.md'), renderReportMarkdown(report));

  const current: ReportSummary | null = previous?.summary ?? null;
  const line = (label: string, s: ReportSummary): string =>
    `${label.padEnd(9)} macro-F1 ${s.macroF1.toFixed(4)}  accuracy ${s.accuracy.toFixed(4)}  keyword baseline ${s.baselineMacroF1.toFixed(4)}  (test ${s.testSize}, train ${s.trainSize}, corrections ${s.corrections})`;
  process.stdout.write(`${renderReportMarkdown(report)}\n`);
  process.stdout.write(`${line('new', summary)}\n`);
  if (current) process.stdout.write(`${line('current', current)}\n`);

  if (current && summary.macroF1 < current.macroF1 && !process.argv.includes('--force')) {
    process.stdout.write(`\nThe new model scores lower than the current one; kept the current model. The new one is in ${candidate} (use --force to replace).\n`);
    process.exitCode = 2;
    return;
  }
  await rm(out, { recursive: true, force: true });
  await rename(candidate, out);
  const size = (await readFile(path.join(out, 'weights.bin'))).byteLength;
  process.stdout.write(`\nwrote ${path.relative(process.cwd(), out)}/ version ${artifact.version} (weights ${(size / 1024).toFixed(0)} KiB)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`train failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
