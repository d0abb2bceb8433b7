import { GraphError } from './graph-types';

/** Meta error codes that mean "slow down" (app, user, page, Pages API, Messenger). */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80001, 80006]);

/** Auth and permission codes: retrying never helps; the coordinator must reconnect the Page. */
const AUTH_CODES: ReadonlySet<number> = new Set([102, 190, 10, 200, 210, 230, 368]);

/** When Meta says "slow down" but gives no time, wait this long before the queue tries again. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

/** Meta's error body: `{ error: { message, type, code, error_subcode, is_transient } }`. */
export interface MetaErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
}

export function metaErrorOf(body: unknown): MetaErrorBody | null {
  if (!body || typeof body !== 'object' || !('error' in body)) return null;
  const e = (body as { error: unknown }).error;
  return e && typeof e === 'object' ? (e as MetaErrorBody) : null;
}

/**
 * The longest `estimated_time_to_regain_access` (minutes) found in Meta's usage headers, in ms.
 * `X-Business-Use-Case-Usage` is `{ "<id>": [{ type, call_count, ..., estimated_time_to_regain_access }] }`;
 * `X-Page-Usage` / `X-App-Usage` are flat objects that sometimes carry it too.
 */
export function retryAfterFromHeaders(headers: Headers): number | null {
  let minutes = 0;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === 'estimated_time_to_regain_access' && typeof inner === 'number') minutes = Math.max(minutes, inner);
        else visit(inner);
      }
    }
  };
  for (const name of ['x-business-use-case-usage', 'x-page-usage', 'x-app-usage', 'x-ad-account-usage']) {
    const text = headers.get(name);
    if (!text) continue;
    try {
      visit(JSON.parse(text));
    } catch {
      // A malformed usage header only costs us the hint; the default wait applies.
    }
  }
  return minutes > 0 ? minutes * 60_000 : null;
}

/** Turns Meta's error answer into a GraphError a queue and a coordinator can act on. */
export function classifyGraphFailure(status: number, body: unknown, headers: Headers, what: string): GraphError {
  const meta = metaErrorOf(body);
  const code = meta?.code;
  const subcode = meta?.error_subcode;
  const details = { status, ...(code !== undefined ? { code } : {}), ...(subcode !== undefined ? { subcode } : {}) };
  const said = meta?.message ? ` Facebook said: "${meta.message.slice(0, 300)}"` : '';

  if ((code !== undefined && RATE_LIMIT_CODES.has(code)) || status === 429) {
    const retryAfterMs = retryAfterFromHeaders(headers) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    const minutes = Math.max(1, Math.round(retryAfterMs / 60_000));
    return new GraphError('rate_limited', `Facebook asked Voluntree to slow down while trying to ${what}; it will try again in about ${minutes} minute${minutes === 1 ? '' : 's'}.`, { ...details, retryAfterMs });
  }
  if (status >= 500 || meta?.is_transient === true || code === 1 || code === 2) {
    return new GraphError('transient', `Facebook had a temporary problem while Voluntree tried to ${what}; it will try again shortly.`, details);
  }
  return new GraphError('permanent', permanentMessage(code, subcode, what) + said, details);
}

function permanentMessage(code: number | undefined, subcode: number | undefined, what: string): string {
  if (code === 100 && subcode === 33) return `Could not ${what}: the comment or post no longer exists (it was probably deleted or hidden).`;
  if (code === 100 && subcode === 2018001) return `Could not ${what}: this person cannot be reached in Messenger.`;
  if (code === 10 && subcode === 2018278) return `Could not ${what}: the person last wrote more than 24 hours ago, so Messenger no longer allows a normal message. Use an approved utility template or email instead.`;
  if (code === 10900 || code === 10903 || subcode === 1893002) return `Could not ${what}: this comment already got its one private reply, or it is older than 7 days.`;
  if (code === 551) return `Could not ${what}: this person is not available in Messenger right now.`;
  if (code === 190 || code === 102) return `Could not ${what}: Facebook no longer accepts the Page token. Reconnect the Page in Settings.`;
  if (code !== undefined && AUTH_CODES.has(code)) return `Could not ${what}: the Page connection lacks a permission this needs. Reconnect the Page in Settings and grant every permission asked for.`;
  if (code === 100) return `Could not ${what}: Facebook refused the request as invalid (message tags for event updates are no longer accepted; use a utility template).`;
  return `Could not ${what}: Facebook refused the request.`;
}

/** A request that never got an answer (timeout, connection refused, DNS). */
export function networkFailure(what: string, timedOut: boolean): GraphError {
  const reason = timedOut ? 'did not answer in time' : 'could not be reached';
  return new GraphError('transient', `Facebook ${reason} while Voluntree tried to ${what}; it will try again shortly.`);
}
