import { z } from 'zod';
import { INTENTS, type IntentName } from '../../contract/intents';
import { COMMENT_MAX, INCOMING_MESSAGE_MAX, NAME_MAX, cutText } from '../facebook/text-limits';
import { PACKED_PATTERN } from '../model/packed-features';

/**
 * What travels on the pipeline's streams. The webhook writes IngestItems (through the ingest
 * gear) to `vt:stream:ingest`; the preprocess stage turns comment items into CommentEntries
 * on `vt:stream:comments`; the classifier gear writes IntentEntries to `vt:stream:intents`;
 * the recorder reads those. Items that need no model (deletions, Messenger replies, button
 * presses) pass from ingest straight to the intents stream with `intent: null`.
 * Each entry is stored as one JSON field `p`; the schemas validate it where it is read, and cut
 * names and texts to the lengths the app keeps (facebook/text-limits.ts) whoever wrote the entry.
 */

/** A text from outside, cut on reading to at most `max` (a visible "…" says it was cut). */
const outsideText = (max: number) => z.string().overwrite((text) => cutText(text, max));

export const commentItem = z.object({
  kind: z.literal('comment'),
  /** Meta's comment id (`{post}_{comment}`). */
  commentId: z.string().min(1),
  postId: z.string().min(1),
  /** The post id for a top-level comment, or the comment this one replies to. */
  parentId: z.string().nullable(),
  verb: z.enum(['add', 'edited', 'remove', 'hide', 'unhide']),
  /** Missing when Meta leaves `from` out (e.g. the person's privacy settings). */
  from: z.object({ id: z.string(), name: outsideText(NAME_MAX) }).nullable(),
  message: outsideText(COMMENT_MAX),
  /** Meta's `created_time`, in ms since the epoch. */
  createdTime: z.number(),
  /**
   * When Meta says this change happened (the entry's `time`, else `created_time`), in ms; null
   * when the payload has neither. A retried delivery carries the same one; a new change does not.
   */
  changeTime: z.number().nullable().optional(),
  /** When the webhook accepted it, in ms since the epoch (latency is measured from here). */
  receivedAt: z.number(),
  pageId: z.string(),
});
export type CommentItem = z.infer<typeof commentItem>;

/** A Messenger message from a person (answer to a private reply, an email address, a code). */
export const messageItem = z.object({
  kind: z.literal('message'),
  /** Meta's message id (`mid`). */
  messageId: z.string().min(1),
  /** The person's page-scoped id (PSID). */
  psid: z.string().min(1),
  text: outsideText(INCOMING_MESSAGE_MAX),
  /** The quick reply's payload when the person tapped one. */
  quickReply: z.string().nullable(),
  timestamp: z.number(),
  receivedAt: z.number(),
  pageId: z.string(),
});
export type MessageItem = z.infer<typeof messageItem>;

/** A button press in Messenger (e.g. the Yes/No confirmation of a signup). */
export const postbackItem = z.object({
  kind: z.literal('postback'),
  /** Meta's message id for the postback when present, otherwise psid + timestamp. */
  postbackId: z.string().min(1),
  psid: z.string().min(1),
  payload: z.string(),
  title: z.string(),
  timestamp: z.number(),
  receivedAt: z.number(),
  pageId: z.string(),
});
export type PostbackItem = z.infer<typeof postbackItem>;

export const ingestItem = z.discriminatedUnion('kind', [commentItem, messageItem, postbackItem]);
export type IngestItem = z.infer<typeof ingestItem>;

/**
 * An array of finite numbers, checked in one plain loop: the classifier gear validates a few
 * hundred arrays of ~200 numbers per batch, where a schema per element costs more than the
 * model run's hidden layer. Accepts exactly what `z.array(z.number())` accepts.
 */
const finiteNumbers = z.custom<number[]>((v) => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i += 1) {
    const n: unknown = v[i];
    if (typeof n !== 'number' || !Number.isFinite(n)) return false;
  }
  return true;
}, 'expected an array of numbers');

/** A comment with the model's input, on `vt:stream:comments`. */
export const commentEntry = z.object({
  item: commentItem,
  /**
   * The model's input: sparse `[index, value, …]` pairs (see docs/model.md for how it is made),
   * packed into a string (model/packed-features.ts) or, when a pair does not fit, a plain array.
   */
  features: z.union([z.string().regex(PACKED_PATTERN, 'packed features: base64url groups of four'), finiteNumbers]),
  /** The feature configuration's version, so a gear never feeds a mismatched model. */
  featureVersion: z.string(),
});
export type CommentEntry = z.infer<typeof commentEntry>;

export { INTENTS };
export type Intent = IntentName;

/** A classified comment (or a pass-through item) on `vt:stream:intents`. */
export const intentEntry = z.object({
  item: ingestItem,
  intent: z.enum(INTENTS).nullable(),
  confidence: z.number().min(0).max(1).nullable(),
  /** Probability per intent, in INTENTS order (null for pass-through items). */
  scores: z.array(z.number()).nullable(),
  modelVersion: z.string().nullable(),
});
export type IntentEntry = z.infer<typeof intentEntry>;

/**
 * The dedupe identity of a delivery: same comment, verb, text and change time → same id (Meta's
 * retries). A later change to the same state has another time, so it is a new delivery.
 */
export function dedupeIdFor(item: IngestItem, contentHash: string): string {
  switch (item.kind) {
    case 'comment':
      return `c:${item.commentId}:${item.verb}:${contentHash}:${item.changeTime ?? ''}`;
    case 'message':
      return `m:${item.messageId}`;
    case 'postback':
      return `p:${item.postbackId}`;
  }
}
