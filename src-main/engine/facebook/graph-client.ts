import type { Clock } from '../clock';
import { redact, type Logger } from '../log';
import { classifyGraphFailure, metaErrorOf, networkFailure } from './graph-errors';
import { GraphError, type GraphApi, type OutgoingMessage, type UtilityTemplate } from './graph-types';

export const DEFAULT_GRAPH_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v25.0';
const MIN_SCHEDULE_MS = 10 * 60_000;
const MAX_SCHEDULE_MS = 30 * 24 * 3600_000;

/** Settings are getters: the coordinator can change them while the app runs. */
export interface GraphClientOptions {
  /** `FB_GRAPH_URL`: the real Graph API, or the simulator in demo mode and tests. */
  baseUrl: () => string;
  version: () => string;
  pageId: () => string;
  pageToken: () => string | null;
  /** App id and secret make the app token (`id|secret`) that can set the webhook callback URL. */
  appId?: () => string | null;
  appSecret?: () => string | null;
  timeoutMs?: number;
  clock: Clock;
  log: Logger;
}

type Json = Record<string, unknown>;

/**
 * The Graph API over `fetch`. Tokens travel in the Authorization header only, so they never
 * appear in a URL that might be logged. Every failure is a GraphError (see graph-errors.ts).
 */
export class GraphClient implements GraphApi {
  private readonly timeoutMs: number;

  constructor(private readonly opts: GraphClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  async publishPost(input: { message: string; scheduledAt?: number }): Promise<{ postId: string; permalinkUrl: string | null }> {
    const body: Json = { message: input.message };
    if (input.scheduledAt !== undefined) {
      const ahead = input.scheduledAt - this.opts.clock.now();
      if (ahead < MIN_SCHEDULE_MS || ahead > MAX_SCHEDULE_MS) {
        throw new GraphError('permanent', 'A scheduled post must be between 10 minutes and 30 days from now. Pick another time.');
      }
      body.published = false;
      body.scheduled_publish_time = Math.floor(input.scheduledAt / 1000);
    }
    const res = await this.call('POST', `${this.opts.pageId()}/feed`, body, 'publish the post');
    const postId = stringField(res, 'id', 'publish the post');
    return { postId, permalinkUrl: `https://www.facebook.com/${postId}` };
  }

  async replyToComment(commentId: string, message: string): Promise<{ id: string }> {
    const res = await this.call('POST', `${encodeURIComponent(commentId)}/comments`, { message }, 'reply under the comment');
    return { id: stringField(res, 'id', 'reply under the comment') };
  }

  async privateReply(commentId: string, message: OutgoingMessage): Promise<{ recipientId: string; messageId: string }> {
    const what = 'send the private reply';
    const res = await this.call('POST', `${this.opts.pageId()}/messages`, { recipient: { comment_id: commentId }, message: messageBody(message) }, what);
    return { recipientId: stringField(res, 'recipient_id', what), messageId: stringField(res, 'message_id', what) };
  }

  async sendMessage(psid: string, message: OutgoingMessage): Promise<{ messageId: string }> {
    const what = 'send the Messenger message';
    const res = await this.call('POST', `${this.opts.pageId()}/messages`, { recipient: { id: psid }, messaging_type: 'RESPONSE', message: messageBody(message) }, what);
    return { messageId: stringField(res, 'message_id', what) };
  }

  async sendUtilityTemplate(psid: string, template: UtilityTemplate): Promise<{ messageId: string }> {
    const what = 'send the event update template';
    const res = await this.call(
      'POST',
      `${this.opts.pageId()}/messages`,
      {
        recipient: { id: psid },
        messaging_type: 'UTILITY',
        message: {
          template: {
            name: template.name,
            language: { code: template.language },
            components: [{ type: 'body', parameters: template.parameters.map((text) => ({ type: 'text', text })) }],
          },
        },
      },
      what,
    );
    return { messageId: stringField(res, 'message_id', what) };
  }

  /** Subscribes the Page to the app's webhook for comments (`feed`) and Messenger (`messages`). */
  async subscribeApp(): Promise<{ success: boolean }> {
    const res = await this.call('POST', `${this.opts.pageId()}/subscribed_apps?subscribed_fields=feed,messages`, {}, 'subscribe the Page to Voluntree');
    return { success: res.success === true };
  }

  /** Which fields the Page is subscribed to for this app (empty when not subscribed). */
  async subscribedFields(): Promise<string[]> {
    const res = await this.call('GET', `${this.opts.pageId()}/subscribed_apps`, null, 'check the Page subscription');
    const data = Array.isArray(res.data) ? (res.data as Json[]) : [];
    return data.flatMap((app) => (Array.isArray(app.subscribed_fields) ? app.subscribed_fields.filter((f): f is string => typeof f === 'string') : []));
  }

  /** Checks the Page token: the Page it belongs to. */
  async whoAmI(): Promise<{ id: string; name: string }> {
    const res = await this.call('GET', 'me?fields=id,name', null, 'check the Page token');
    return { id: stringField(res, 'id', 'check the Page token'), name: typeof res.name === 'string' ? res.name : '' };
  }

  /** True when an app id and secret are set, so the callback URL can be updated automatically. */
  hasAppToken(): boolean {
    return Boolean(this.opts.appId?.() && this.opts.appSecret?.());
  }

  /**
   * Points the app's Page webhook at `url` (Meta then sends a verification GET there).
   * Needs the app token; without it the coordinator pastes the URL in the app dashboard.
   */
  async setCallbackUrl(url: string, verifyToken: string): Promise<{ success: boolean }> {
    const appId = this.opts.appId?.();
    const secret = this.opts.appSecret?.();
    if (!appId || !secret) throw new GraphError('permanent', 'Set the App ID and App Secret in Settings so Voluntree can update the webhook address itself.');
    const res = await this.call(
      'POST',
      `${encodeURIComponent(appId)}/subscriptions`,
      { object: 'page', callback_url: url, verify_token: verifyToken, fields: 'feed,messages', include_values: true },
      'update the webhook address',
      `${appId}|${secret}`,
    );
    return { success: res.success === true };
  }

  private async call(method: 'GET' | 'POST', path: string, body: Json | null, what: string, token?: string): Promise<Json> {
    const bearer = token ?? this.opts.pageToken();
    // Transient, not permanent: only a worker meets this (the app always has the Page or the
    // simulator), e.g. when the app's handed-out connection went away between taking a job and
    // sending it. Retried with backoff, the job goes to a process that can send it.
    if (!bearer) throw new GraphError('transient', `Could not ${what}: no Page is connected. Connect the Page in Settings.`);
    const url = `${this.opts.baseUrl().replace(/\/+$/, '')}/${this.opts.version()}/${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      this.opts.log.warn('graph call got no answer', { path: pathOnly(path), timedOut, err: err instanceof Error ? err.message : String(err) });
      throw networkFailure(what, timedOut);
    }
    let parsed: unknown = null;
    let bodyError = false;
    try {
      parsed = await res.json();
    } catch {
      bodyError = true;
    }
    if (res.ok && !bodyError && parsed && typeof parsed === 'object' && !('error' in parsed)) return parsed as Json;
    if (res.ok && bodyError) throw networkFailure(what, false);
    // Facebook's error text reaches the coordinator's screen, the log and stored job errors; one
    // that quotes the request (a proxy's, or Meta's own for some codes) must not carry a secret.
    const meta = metaErrorOf(parsed);
    if (meta && typeof meta.message === 'string') {
      meta.message = redact(meta.message, [bearer, this.opts.pageToken() ?? '', this.opts.appSecret?.() ?? '']);
    }
    const failure = classifyGraphFailure(res.ok ? 500 : res.status, parsed, res.headers, what);
    this.opts.log.warn('graph call failed', { path: pathOnly(path), status: res.status, kind: failure.kind, code: failure.details.code, subcode: failure.details.subcode });
    throw failure;
  }
}

function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}

function stringField(res: Json, key: string, what: string): string {
  const v = res[key];
  if (typeof v === 'string' && v.length > 0) return v;
  throw new GraphError('transient', `Facebook gave an unexpected answer while Voluntree tried to ${what}; it will try again.`);
}

/** OutgoingMessage → the Send API's `message`: quick replies, or a button template of postbacks. */
export function messageBody(m: OutgoingMessage): Json {
  if (m.buttons && m.buttons.length > 0) {
    return {
      attachment: {
        type: 'template',
        payload: { template_type: 'button', text: m.text, buttons: m.buttons.map((b) => ({ type: 'postback', title: b.title, payload: b.payload })) },
      },
    };
  }
  if (m.quickReplies && m.quickReplies.length > 0) {
    return { text: m.text, quick_replies: m.quickReplies.map((q) => ({ content_type: 'text', title: q.title, payload: q.payload })) };
  }
  return { text: m.text };
}
