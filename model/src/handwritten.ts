import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { INTENTS } from '../../src-main/contract/intents';
import type { LabelledComment } from '../../src-main/engine/model/training/data';

/** How a hand-written row is grouped in the report (see model/data/handwritten/README.md). */
export const SLICES = ['short', 'emoji', 'long', 'signup', 'cancel', 'question', 'other', 'lang'] as const;
export type Slice = (typeof SLICES)[number];

/** `und` marks emoji-only rows, which belong to no language. */
export const LANGS = ['en', 'es', 'pt', 'fr', 'de', 'it', 'tl', 'vi', 'und'] as const;
export type Lang = (typeof LANGS)[number];

/** A hand-written comment with the slice and language the report breaks scores down by. */
export interface HandwrittenComment extends LabelledComment {
  slice: Slice;
  lang: Lang;
}

const row = z
  .strictObject({ text: z.string().regex(/\S/, 'text is blank'), intent: z.enum(INTENTS), slice: z.enum(SLICES), lang: z.enum(LANGS) })
  // The slice and the language say the same thing twice for some rows; a row where they
  // disagree would be counted in the wrong place of the report.
  .refine((r) => (r.slice === 'lang') === !['en', 'und'].includes(r.lang), { message: 'slice "lang" is for non-English rows only' })
  .refine((r) => (r.slice === 'emoji') === (r.lang === 'und'), { message: 'emoji rows, and only they, have lang "und"' });

/**
 * Reads a hand-written JSONL set (`model/data/handwritten/*.jsonl`) of
 * `{text, intent, slice, lang}` rows. A line that is not such a row is an error naming the
 * file, the line and what is wrong with it.
 */
export function readHandwritten(file: string): HandwrittenComment[] {
  return readRows(file, row);
}

/** Reads JSONL rows checked by `schema`; a bad line is an error naming the file, the line and what is wrong. */
function readRows<T>(file: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => (x.path.length ? `${x.path.join('.')}: ` : '') + x.message).join('; ')}`);
      out.push(parsed.data);
    });
  return out;
}

/** The form two comments are compared in when checking that sets do not overlap. */
export const sameText = (text: string): string => text.trim().toLowerCase();

const TRAINING_LANGS = ['en', 'es', 'pt', 'fr', 'de', 'it', 'tl', 'vi'] as const;

/** A comment of the hand-written training corpus: no slice, since no report breaks it down. */
export interface TrainingComment extends LabelledComment {
  lang: (typeof TRAINING_LANGS)[number];
}

const trainingRow = z.strictObject({ text: z.string().regex(/\S/, 'text is blank'), intent: z.enum(INTENTS), lang: z.enum(TRAINING_LANGS) });

/**
 * Reads the hand-written training corpus (`model/data/handwritten/train-comments.jsonl`,
 * `{text, intent, lang}` rows), with the same line-numbered errors as `readHandwritten`.
 */
export function readTrainingComments(file: string): TrainingComment[] {
  return readRows(file, trainingRow);
}
