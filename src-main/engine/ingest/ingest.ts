import type { Keys } from '../keys';
import type { Gears } from '../gears/loader';

/** How long a delivery's dedupe marker lives. Meta retries for up to 36 h; keep a week. */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;

export interface Delivery {
  /** Identity of this change: the same comment, verb, text and Meta change time map to one id. */
  dedupeId: string;
  /**
   * For a comment change: its comment id and the state it leaves the comment in (verb + text
   * hash). A delivery that would leave the comment in the state it is already in is a repeat.
   */
  state?: { subject: string; value: string };
  /** What the preprocess stage will read (JSON text). */
  payload: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

/**
 * Appends deliveries to the ingest stream, each at most once however often it is delivered.
 * One Function call per batch: dedupe and enqueue are a single atomic step, so a crash can
 * never leave a delivery marked seen but not enqueued.
 */
export async function ingestDeliveries(gears: Gears, keys: Keys, deliveries: readonly Delivery[]): Promise<IngestResult> {
  if (deliveries.length === 0) return { accepted: 0, duplicates: 0 };
  const fnKeys: [string, ...string[]] = [keys.streamIngest];
  const args: (string | number)[] = [SEEN_TTL_SECONDS];
  for (const d of deliveries) {
    // Without a state the second key is never read; the seen key stands in for it.
    fnKeys.push(keys.seen(d.dedupeId), d.state ? keys.lastState(d.state.subject) : keys.seen(d.dedupeId));
    args.push(d.payload, d.state?.value ?? '');
  }
  const [accepted, duplicates] = await gears.call('vt_ingest', fnKeys, args);
  return { accepted, duplicates };
}
