/**
 * Classifies comments with the trained model in model/artifact/.
 *
 *   echo "count me in!" | npm run classify
 *   npm run classify -- --file comments.txt        (one comment per line, or JSON lines with "text")
 *   npm run classify -- --artifact <dir>           (another artifact folder)
 *   npm run classify -- --review-threshold 0.8     (confidence below which a comment needs review)
 *
 * Prints one JSON line per comment: {"text":…,"intent":…,"confidence":…,"needsReview":…}, where
 * needsReview is true when the calibrated confidence is below the review threshold
 * (DEFAULT_REVIEW_THRESHOLD unless given). Exits 1 with a message on unreadable input (missing
 * file, a JSON line without a "text" string, binary data) or a threshold outside 0–1.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const BATCH = 256;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readInput(): Promise<string> {
  const file = arg('file');
  if (process.argv.includes('--file') && !file) throw new Error('--file needs a path');
  if (file) {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (process.stdin.isTTY) throw new Error('no input: pipe comments into standard input or pass --file <path>');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One comment per line; a line starting with `{` must be JSON with a string `text`. */
function parseLines(input: string): string[] {
  if (input.includes('\u0000')) throw new Error('input looks binary (it contains NUL bytes); give text, one comment per line');
  const texts: string[] = [];
  input.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    if (line.trimStart().startsWith('{')) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`line ${i + 1}: starts with "{" but is not valid JSON`);
      }
      const text = (json as { text?: unknown }).text;
      if (typeof text !== 'string') throw new Error(`line ${i + 1}: JSON line has no "text" string`);
      texts.push(text);
    } else {
      texts.push(line);
    }
  });
  return texts;
}

function reviewThreshold(fallback: number): number {
  if (!process.argv.includes('--review-threshold')) return fallback;
  const raw = arg('review-threshold');
  const t = Number(raw);
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(t) || t < 0 || t > 1) throw new Error(`--review-threshold takes a number from 0 to 1 (got ${raw ?? 'nothing'})`);
  return t;
}

async function main(): Promise<void> {
  const { DEFAULT_REVIEW_THRESHOLD, needsReview } = await import('../../src-main/engine/model/review-threshold');
  const threshold = reviewThreshold(DEFAULT_REVIEW_THRESHOLD);
  const texts = parseLines(await readInput());
  if (texts.length === 0) throw new Error('no comments in the input');
  // TensorFlow.js loads only once the input is known to be good: bad input fails at once.
  const { readArtifact } = await import('../../src-main/engine/model/artifact');
  const { selectBackend } = await import('../../src-main/engine/model/backend');
  const { IntentModel } = await import('../../src-main/engine/model/intent-model');
  const dir = path.resolve(arg('artifact') ?? path.join(import.meta.dirname, '..', 'artifact'));
  await selectBackend();
  const model = await IntentModel.load(await readArtifact(dir));
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = texts.slice(i, i + BATCH);
    model.classify(batch).forEach((p, j) => {
      const confidence = Math.round(p.confidence * 10000) / 10000;
      out.push(JSON.stringify({ text: batch[j], intent: p.intent, confidence, needsReview: needsReview(p.confidence, threshold) }));
    });
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`classify: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
