import { createHash } from 'node:crypto';
import { z } from 'zod';
import { dedupeIdFor, type CommentItem, type IngestItem } from '../streams/entries';
import type { Delivery } from '../pipeline/stages/ingest';
import { COMMENT_MAX, INCOMING_MESSAGE_MAX, NAME_MAX, cutText } from './text-limits';

/** Meta's envelope. Unknown fields are allowed: Meta adds fields without notice. */
export const webhookEnvelope = z.object({
  object: z.string(),
  entry: z.array(
    z.object({
      id: z.string(),
      time: z.number().optional(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })).optional(),
      messaging: z.array(z.unknown()).optional(),
    }),
  ),
});
export type WebhookEnvelope = z.infer<typeof webhookEnvelope>;

const VERBS = ['add', 'edited', 'remove', 'hide', 'unhide'] as const;

const feedComment = z.object({
  item: z.literal('comment'),
  verb: z.string(),
  comment_id: z.string().min(1),
  post_id: z.string().min(1),
  parent_id: z.string().optional(),
  from: z.object({ id: z.coerce.string(), name: z.string().default('') }).optional(),
  message: z.string().optional(),
  created_time: z.union([z.number(), z.string()]).optional(),
});

const messagingEvent = z.object({
  sender: z.object({ id: z.coerce.string() }),
  recipient: z.object({ id: z.coerce.string() }).optional(),
  timestamp: z.number(),
  message: z
    .object({
      mid: z.string().min(1),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
    })
    .optional(),
  postback: z.object({ mid: z.string().optional(), title: z.string().default(''), payload: z.string() }).optional(),
});

export interface Normalised {
  items: IngestItem[];
  /** Changes we do not act on (other fields, other verbs, the Page's own comments, echoes). */
  skipped: number;
  /** Changes whose shape we could not read (logged, never fatal for the batch). */
  malformed: number;
  /** Entries for a Page other than the connected one (logged and dropped). */
  otherPage: number;
  /** Changes naming an id that is not an id (logged and dropped): see `outsideIdProblem`. */
  badId: number;
  /** Kept changes whose name or text was longer than the app keeps, and was cut (see text-limits). */
  cut: number;
}

/**
 * Why an id from a delivery cannot be used as one, or null. Meta's ids are digits, and comment
 * and post ids digits joined by `_` (`<post>_<comment>`, `<page>_<post>`); message ids start with
 * `m_` and are URL-safe base64. The rule here is looser than that (letters, digits, `_ . -`, at
 * most 200), so the demo simulator's and a test's readable ids pass, and strict where it matters:
 * no `:` (our job ids and Redis keys join on it), nothing empty or huge, and none of the names
 * Object.prototype carries (`__proto__`, `constructor`, `toString`, …), which as keys of a plain
 * object would read or replace shared state instead of a record.
 */
export function outsideIdProblem(id: string): string | null {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(id)) return 'not an id (letters, digits, "_", ".", "-"; at most 200)';
  if (PROTOTYPE_NAMES.has(id)) return 'a name of Object.prototype';
  return null;
}

const PROTOTYPE_NAMES = new Set(['__proto__', ...Object.getOwnPropertyNames(Object.prototype)]);

/** True when any of the ids given is unusable (undefined ones are absent, not bad). */
function badIdIn(...ids: (string | undefined)[]): boolean {
  return ids.some((id) => id !== undefined && outsideIdProblem(id) !== null);
}

/** Meta sends `created_time` as Unix seconds (feed) or, in some versions, an ISO string. */
function toMs(t: number | string | undefined, fallback: number): number {
  return toMsOrNull(t) ?? fallback;
}

function toMsOrNull(t: number | string | undefined): number | null {
  if (typeof t === 'number') return t < 1e12 ? t * 1000 : t;
  if (typeof t === 'string') {
    const n = Date.parse(t);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

/**
 * Turns one webhook POST into pipeline items. The Page's own comments and message echoes are
 * skipped (they would otherwise be classified and answered: a loop). `pageId` is the connected
 * Page: an entry whose `id` names another Page is dropped whole. One app subscribed to several
 * Pages receives all of their entries on the same callback, each entry's `id` naming its Page
 * (Meta's webhooks reference, "entry.id: Page ID"), and acting on another Page's comments
 * would sign its commenters up for our events.
 */
export function normaliseWebhook(env: WebhookEnvelope, pageId: string, receivedAt: number): Normalised {
  const out: Normalised = { items: [], skipped: 0, malformed: 0, otherPage: 0, badId: 0, cut: 0 };
  const cap = (text: string, max: number): string => {
    if (text.length <= max) return text;
    out.cut += 1;
    return cutText(text, max);
  };
  if (env.object !== 'page') {
    out.skipped += env.entry.length;
    return out;
  }
  for (const entry of env.entry) {
    if (pageId !== '' && entry.id !== pageId) {
      out.otherPage += 1;
      continue;
    }
    const ownIds = new Set([entry.id, pageId]);
    for (const change of entry.changes ?? []) {
      if (change.field !== 'feed') {
        out.skipped += 1;
        continue;
      }
      const value = change.value as { item?: unknown } | null;
      if (!value || typeof value !== 'object' || value.item !== 'comment') {
        out.skipped += 1;
        continue;
      }
      const parsed = feedComment.safeParse(value);
      if (!parsed.success) {
        out.malformed += 1;
        continue;
      }
      const c = parsed.data;
      if (badIdIn(c.comment_id, c.post_id, c.parent_id, c.from?.id)) {
        out.badId += 1;
        continue;
      }
      const verb = VERBS.find((v) => v === c.verb);
      if (!verb || (c.from && ownIds.has(c.from.id))) {
        out.skipped += 1;
        continue;
      }
      out.items.push({
        kind: 'comment',
        commentId: c.comment_id,
        postId: c.post_id,
        parentId: c.parent_id ?? null,
        verb,
        from: c.from ? { id: c.from.id, name: cap(c.from.name, NAME_MAX) } : null,
        message: cap(c.message ?? '', COMMENT_MAX),
        createdTime: toMs(c.created_time, receivedAt),
        // Never `receivedAt`: a retry arrives later, and must still be known as the same change.
        changeTime: toMsOrNull(entry.time) ?? toMsOrNull(c.created_time),
        receivedAt,
        pageId: entry.id,
      });
    }
    for (const raw of entry.messaging ?? []) {
      const parsed = messagingEvent.safeParse(raw);
      if (!parsed.success) {
        out.malformed += 1;
        continue;
      }
      const m = parsed.data;
      if (badIdIn(m.sender.id, m.message?.mid, m.postback?.mid)) {
        out.badId += 1;
        continue;
      }
      const psid = m.sender.id;
      if (ownIds.has(psid) || m.message?.is_echo) {
        out.skipped += 1;
      } else if (m.postback) {
        out.items.push({
          kind: 'postback',
          postbackId: m.postback.mid ?? `${psid}:${m.timestamp}`,
          psid,
          payload: m.postback.payload,
          title: m.postback.title,
          timestamp: m.timestamp,
          receivedAt,
          pageId: entry.id,
        });
      } else if (m.message) {
        out.items.push({
          kind: 'message',
          messageId: m.message.mid,
          psid,
          text: cap(m.message.text ?? '', INCOMING_MESSAGE_MAX),
          quickReply: m.message.quick_reply?.payload ?? null,
          timestamp: m.timestamp,
          receivedAt,
          pageId: entry.id,
        });
      } else {
        // Reads, deliveries, reactions: nothing for the pipeline.
        out.skipped += 1;
      }
    }
  }
  return out;
}

/** The text whose hash makes a comment delivery's identity (an edit is new content). */
function contentOf(item: IngestItem): string {
  if (item.kind === 'comment') return item.message;
  if (item.kind === 'message') return item.text;
  return item.payload;
}

/**
 * Items → ingest deliveries, each with the dedupe id that makes Meta's retries harmless and, for
 * a comment, the state it leaves the comment in (a change to the state it is in changes nothing).
 */
export function toDeliveries(items: readonly IngestItem[]): Delivery[] {
  return items.map((item) => {
    const hash = createHash('sha256').update(contentOf(item)).digest('hex').slice(0, 32);
    return {
      dedupeId: dedupeIdFor(item, hash),
      payload: JSON.stringify(item),
      ...(item.kind === 'comment' ? { state: { subject: item.commentId, value: `${stateVerb(item.verb)}:${hash}` } } : {}),
    };
  });
}

/** An add and an edit both leave the comment showing its text: a text equal to it is no change. */
function stateVerb(verb: CommentItem['verb']): string {
  return verb === 'add' || verb === 'edited' ? 'shown' : verb;
}
