/** Socket error codes that mean "Redis could not be reached", not "Redis refused the command". */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Redis replies that mean "not now" (a restart loading its data, a busy script, a failover). */
const NOT_NOW_REPLY = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN)\b/;

/** ioredis' messages for a command that never got an answer because the connection went away. */
const LOST_CONNECTION = [/^Connection is closed\.?$/, /^Stream isn't writeable/, /^Reached the max retries per request limit/, /^Command timed out/];

/**
 * True when `err` says Redis was unreachable or not ready, rather than that the work itself is
 * wrong. Retrying such a failure later is expected to succeed, so it must not count against the
 * entries being processed (they would otherwise be dead-lettered by a Redis restart).
 * Follows `cause` chains, since wrappers often keep the original error there.
 */
export function isRedisUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && e !== undefined && depth < 5; depth += 1) {
    if (typeof e !== 'object') return false;
    const o = e as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
    if (o.name === 'MaxRetriesPerRequestError') return true;
    if (typeof o.code === 'string' && SOCKET_CODES.has(o.code)) return true;
    if (typeof o.message === 'string') {
      const m = o.message;
      if (NOT_NOW_REPLY.test(m) || LOST_CONNECTION.some((r) => r.test(m))) return true;
    }
    e = o.cause;
  }
  return false;
}
