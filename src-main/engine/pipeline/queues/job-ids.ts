/**
 * A BullMQ custom job id made of parts (a kind, then ids from outside such as a comment id).
 * The encoding is injective: each part has `%`, `:` and `|` percent-escaped and the parts are
 * joined with `|`, so two different part lists never share a job id (two comments whose ids
 * differ only by `:` and `_` used to share one, and the second got no reply), and the result
 * never contains `:`, which BullMQ refuses in custom ids ("Custom Id cannot contain :").
 * Parts without those three characters are kept as they are, so ids of jobs queued before
 * this encoding still match.
 */
export function jobIdOf(...parts: readonly string[]): string {
  return parts.map(escapePart).join('|');
}

/** The job id of one piece of work of `kind` for `key` (e.g. a reply to one comment). */
export function jobIdFor(kind: string, key: string): string {
  return jobIdOf(kind, key);
}

function escapePart(part: string): string {
  return part.replace(/[%:|]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The parts of a job id made by `jobIdOf` (for tests and diagnostics). */
export function jobIdParts(id: string): string[] {
  return id.split('|').map((p) => decodeURIComponent(p));
}

/** How long "sent" markers live: longer than Meta retries a delivery (36 h) and a private reply is allowed (7 days). */
export const SENT_MARKER_TTL_SECONDS = 30 * 24 * 3600;

export const GRAPH_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
};
