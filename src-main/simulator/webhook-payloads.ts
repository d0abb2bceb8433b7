import { createHmac } from 'node:crypto';

/**
 * Builders for webhook bodies exactly as Meta sends them, and a signed delivery. Shared by the
 * simulated commenters, the tests and the benchmark.
 */

export interface FeedCommentValue {
  from?: { id: string; name: string };
  post?: { id: string; status_type: string; is_published: boolean; updated_time: string; permalink_url: string };
  message?: string;
  post_id: string;
  comment_id: string;
  created_time: number;
  item: 'comment';
  parent_id: string;
  verb: 'add' | 'edited' | 'remove' | 'hide' | 'unhide';
}

export interface Change {
  field: 'feed';
  value: FeedCommentValue;
}

export interface MessagingEvent {
  sender: { id: string };
  recipient: { id: string };
  timestamp: number;
  message?: { mid: string; text: string; quick_reply?: { payload: string }; is_echo?: boolean };
  postback?: { mid: string; title: string; payload: string };
}

export interface WebhookEntry {
  id: string;
  time: number;
  changes?: Change[];
  messaging?: MessagingEvent[];
}

export interface WebhookPayload {
  object: 'page';
  entry: WebhookEntry[];
}

export interface CommentInput {
  pageId: string;
  postId: string;
  commentId: string;
  /** Omit to get a delivery without `from` (Meta leaves it out for some people). */
  from?: { id: string; name: string } | null;
  message?: string;
  verb?: FeedCommentValue['verb'];
  /** Defaults to the post (a top-level comment). */
  parentId?: string;
  /** Unix seconds. */
  createdTime?: number;
}

export function commentChange(c: CommentInput): Change {
  const createdTime = c.createdTime ?? Math.floor(Date.now() / 1000);
  const value: FeedCommentValue = {
    ...(c.from ? { from: c.from } : {}),
    post: {
      id: c.postId,
      status_type: 'mobile_status_update',
      is_published: true,
      updated_time: new Date(createdTime * 1000).toISOString().replace('.000Z', '+0000'),
      permalink_url: `https://www.facebook.com/${c.postId}`,
    },
    ...(c.verb === 'remove' ? {} : { message: c.message ?? '' }),
    post_id: c.postId,
    comment_id: c.commentId,
    created_time: createdTime,
    item: 'comment',
    parent_id: c.parentId ?? c.postId,
    verb: c.verb ?? 'add',
  };
  return { field: 'feed', value };
}

/** One entry per Page per delivery; Meta groups changes under their Page. */
export function feedEntry(pageId: string, changes: Change[], timeMs = Date.now()): WebhookEntry {
  return { id: pageId, time: timeMs, changes };
}

export function messageEvent(pageId: string, psid: string, mid: string, text: string, quickReplyPayload?: string, timeMs = Date.now()): MessagingEvent {
  return {
    sender: { id: psid },
    recipient: { id: pageId },
    timestamp: timeMs,
    message: { mid, text, ...(quickReplyPayload ? { quick_reply: { payload: quickReplyPayload } } : {}) },
  };
}

export function postbackEvent(pageId: string, psid: string, mid: string, title: string, payload: string, timeMs = Date.now()): MessagingEvent {
  return { sender: { id: psid }, recipient: { id: pageId }, timestamp: timeMs, postback: { mid, title, payload } };
}

/** Messenger events: one entry per event, as Meta delivers them. */
export function messagingEntry(pageId: string, event: MessagingEvent): WebhookEntry {
  return { id: pageId, time: event.timestamp, messaging: [event] };
}

export function webhookPayload(entries: WebhookEntry[]): WebhookPayload {
  return { object: 'page', entry: entries };
}

export function signBody(body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

export interface DeliveryResult {
  status: number;
  text: string;
}

/**
 * POSTs a webhook body signed like Meta signs it. A string body is sent byte for byte (so tests
 * can sign one serialisation and send another); an object is serialised once.
 */
export async function deliverSigned(url: string, appSecret: string, payload: WebhookPayload | string, headers: Record<string, string> = {}): Promise<DeliveryResult> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, appSecret), ...headers },
    body,
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, text: await res.text() };
}
