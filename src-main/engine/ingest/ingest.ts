import type { Keys } from '../keys';
import type { Gears } from '../gears/loader';

/** How long a delivery's dedupe marker lives. Meta retries for up to 36 h; keep a week. */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;

export interface Delivery {
  /** Identity of this delivery's content: the same comment, verb and text always map to one id. */
  dedupeId: string;
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
  const fnKeys = [keys.streamIngest, ...deliveries.map((d) => keys.seen(d.dedupeId))];
  const [accepted, duplicates] = await gears.call<[number, number]>('vt_ingest', 'vt_ingest', fnKeys, [
    SEEN_TTL_SECONDS,
    ...deliveries.map((d) => d.payload),
  ]);
  return { accepted, duplicates };
}
