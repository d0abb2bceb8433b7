import { z } from 'zod';
import { request } from './define';

// Entries the pipeline could not process (`vt:stream:dead`): the coordinator sees them in
// Settings → Model and retries or discards them. Merged into the whole contract by ./index.ts.

/** Which stage gave up on the entry: turning it into features, classifying it, or recording it. */
export type DeadLetterStage = 'preprocess' | 'classifier' | 'recorder' | 'other';

export interface DeadLetter {
  /** Its id in the dead-letter stream (what retry and discard take). */
  id: string;
  stage: DeadLetterStage;
  /** The stream it came from, without the key prefix (e.g. `stream:comments`). */
  source: string;
  /** Why it was moved: the handler's last error, or what is malformed about it. */
  reason: string;
  deliveries: number;
  /** When it was moved (ms since the epoch). */
  at: number;
  /** What the person wrote, when the entry carries it. */
  text: string | null;
  /** The person's name, when the entry carries it. */
  author: string | null;
  /** Meta's comment id, for comments. */
  commentId: string | null;
  /** False when there is nothing to put back (the entry had no payload). */
  retryable: boolean;
}

export interface DeadLetterPage {
  /** Entries in the dead-letter stream altogether. */
  total: number;
  /** Newest first. */
  entries: DeadLetter[];
  /** Pass as `before` for the next (older) page; null at the end. */
  next: string | null;
}

const streamId = z.string().regex(/^\d{1,20}-\d{1,20}$/, 'a stream id such as 1700000000000-0');
const ids = z.array(streamId).min(1).max(500);

export const deadLettersRequests = {
  'deadLetters.list': request<DeadLetterPage>()(
    z.object({ limit: z.number().int().min(1).max(500).default(100), before: streamId.optional() }).strict(),
    'Comments and messages the pipeline could not process, newest first: reason, when, text and author',
  ),
  'deadLetters.retry': request<{ retried: number; skipped: number }>()(
    z.object({ ids }).strict(),
    'Puts dead-lettered entries back on the stream they came from, to be processed again',
  ),
  'deadLetters.discard': request<{ discarded: number }>()(
    z.object({ ids }).strict(),
    'Deletes dead-lettered entries for good',
  ),
};
