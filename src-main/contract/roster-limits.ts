// The roster import's limits, in a file of their own without zod: the import screen checks a
// file against them before sending, and zod in the renderer would trip the window's CSP (zod
// tries `new Function`). The contract (volunteers.ts) re-exports them.

/**
 * The largest roster file that can be imported, in bytes. The UI checks a file against it before
 * sending, the contract refuses a longer `csv` or `file`, and the HTTP server's body limit is
 * derived from it (RPC_BODY_MAX_BYTES), so all three say the same thing.
 */
export const ROSTER_FILE_MAX_BYTES = 10_000_000;
/** ROSTER_FILE_MAX_BYTES as the coordinator reads it (decimal megabytes, as file managers show sizes). */
export const ROSTER_FILE_MAX_TEXT = '10 MB';
/** Characters of base64 that carry ROSTER_FILE_MAX_BYTES bytes (4 for every 3, padded). */
export const ROSTER_FILE_MAX_BASE64 = Math.ceil(ROSTER_FILE_MAX_BYTES / 3) * 4;
/**
 * The largest body `/api/rpc/*` accepts: a roster file at its limit, sent as base64, plus room for
 * the rest of the JSON. Nothing else sent to the engine comes near it.
 */
export const RPC_BODY_MAX_BYTES = ROSTER_FILE_MAX_BASE64 + 64 * 1024;
/** At most this many rejected rows are listed in an import's answer; the rest are counted. */
export const ROSTER_REJECTED_LISTED = 100;
/** A rejected row's excerpt is cut to this many characters. */
export const ROSTER_EXCERPT_MAX = 200;

/** What the coordinator is told about a file that is too big or empty, before or after it is sent. */
export function rosterFileProblem(name: string, bytes: number): string | null {
  if (bytes === 0) return `${name} is empty.`;
  if (bytes <= ROSTER_FILE_MAX_BYTES) return null;
  const mb = (bytes / 1_000_000).toFixed(1);
  return `${name} is ${mb} MB; a roster file can be at most ${ROSTER_FILE_MAX_TEXT}. Split it into smaller files and import them one after another.`;
}
