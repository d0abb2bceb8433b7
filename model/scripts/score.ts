/**
 * Scores a model artifact on a hand-written set, per slice and per language, beside the
 * keyword baseline:
 *
 *   npx tsx model/scripts/score.ts [--artifact model/artifact] [--file model/data/handwritten/dev.jsonl] [--json]
 *
 * Tune on dev.jsonl. eval.jsonl is for scoring a finished model, not for choosing one.
 */
import path from 'node:path';
import { readArtifact } from '../../src-main/engine/model/artifact';
import { selectBackend } from '../../src-main/engine/model/backend';
import { IntentModel } from '../../src-main/engine/model/intent-model';
import { scoreHandwritten } from '../../src-main/engine/model/training/slices';
import { readHandwritten } from '../src/handwritten';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..');
  const dir = path.resolve(arg('artifact') ?? path.join(root, 'artifact'));
  const file = path.resolve(arg('file') ?? path.join(root, 'data', 'handwritten', 'dev.jsonl'));
  await selectBackend('wasm').catch(() => selectBackend('cpu'));
  const model = await IntentModel.load(await readArtifact(dir));
  const rows = readHandwritten(file);
  const s = scoreHandwritten(model, rows);
  model.dispose();
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return;
  }
  const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
  const out = [
    `${path.relative(process.cwd(), file)}: ${rows.length} comments, model ${model.version}`,
    `model   macro-F1 ${s.model.macroF1.toFixed(3)}  accuracy ${pct(s.model.accuracy)}  ECE ${s.ece.toFixed(3)}`,
    `keyword macro-F1 ${s.baseline.macroF1.toFixed(3)}  accuracy ${pct(s.baseline.accuracy)}`,
    '',
    'accuracy by slice (model / keyword, n):',
    ...Object.entries(s.bySlice).map(([k, v]) => `  ${k.padEnd(9)} ${pct(v.model).padStart(8)} / ${pct(v.baseline).padStart(8)}  n=${v.n}`),
    'accuracy by language (model / keyword, n):',
    ...Object.entries(s.byLang).map(([k, v]) => `  ${k.padEnd(9)} ${pct(v.model).padStart(8)} / ${pct(v.baseline).padStart(8)}  n=${v.n}`),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`score failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
