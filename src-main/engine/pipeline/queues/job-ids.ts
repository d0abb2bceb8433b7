/** BullMQ refuses ':' in custom job ids; Meta ids never contain '|'. */
export function jobIdFor(kind: string, key: string): string {
  return `${kind}|${key}`.replaceAll(':', '_');
}

/** How long "sent" markers live: longer than Meta retries a delivery (36 h) and a private reply is allowed (7 days). */
export const SENT_MARKER_TTL_SECONDS = 30 * 24 * 3600;

export const GRAPH_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};
