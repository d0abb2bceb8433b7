import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { INTENTS, type IntentName as Intent } from '../../../contract/intents';

export interface LabelledComment {
  text: string;
  intent: Intent;
}

const row = z.object({ text: z.string().min(1), intent: z.enum(INTENTS) });

/** Reads a JSONL file of `{text, intent}` rows; a bad line is an error naming the line. */
export function readLabelled(file: string): LabelledComment[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: LabelledComment[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const parsed = row.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`${file}:${i + 1}: not a {text, intent} row`);
    out.push(parsed.data);
  });
  return out;
}

const correction = z.object({ commentId: z.string().optional(), text: z.string().min(1), intent: z.enum(INTENTS) });

/**
 * Reads the coordinator's corrections: the app's `corrections.json` (lowdb: an array, or an
 * object with a `corrections` array) of `{commentId, text, intent}`.
 */
export function readCorrections(file: string): LabelledComment[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read corrections from ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const list = Array.isArray(json) ? json : (json as { corrections?: unknown }).corrections;
  const parsed = z.array(correction).safeParse(list);
  if (!parsed.success) throw new Error(`${file} is not a corrections file (expected a list of {commentId, text, intent})`);
  return parsed.data.map((c) => ({ text: c.text, intent: c.intent }));
}
