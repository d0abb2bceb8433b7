// Stage 1 of the pipeline (chain.ts): a webhook delivery's items enter the ingest stream.
// Input: signed webhook POSTs (facebook/webhook-routes.ts), already normalised and checked.
// Output: vt:stream:ingest, one entry per item, each at most once (vt_ingest dedupes by the
// change's identity and by the state it leaves the comment in). The POST is answered 200 only
// after the Function call that carries its items returned.
import type { Gears } from '../../gears/loader';
import type { Keys } from '../../keys';
import type { StageDeclaration } from './stage';

export const INGEST_STAGE = {
  name: 'ingest',
  input: null,
  group: null,
  schema: null,
  commit: 'vt_ingest',
  output: (keys: Keys) => [keys.streamIngest],
} as const satisfies StageDeclaration;

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
  const [accepted, duplicates] = await gears.call(INGEST_STAGE.commit, fnKeys, args);
  return { accepted, duplicates };
}

interface Waiting {
  deliveries: Delivery[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Enough deliveries for one Function call; a larger backlog is split. */
const MAX_PER_CALL = 2000;

/**
 * Joins the deliveries of webhook POSTs that arrive together into one ingest Function call
 * (flushed on the next turn of the event loop). Each POST still answers only after the call
 * that carries its items returns, so "200 means durably enqueued" holds; under load Redis sees
 * one call per burst instead of one per POST.
 */
export class IngestBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly gears: Gears,
    private readonly keys: Keys,
    /** Totals of each call (accepted vs duplicates), for counters. */
    private readonly onResult: (r: IngestResult) => void = () => undefined,
  ) {}

  /** Resolves once this POST's deliveries are in Redis. */
  add(deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ deliveries, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    while (all.length > 0) {
      const group: Waiting[] = [];
      let size = 0;
      while (all.length > 0 && (group.length === 0 || size + all[0]!.deliveries.length <= MAX_PER_CALL)) {
        const w = all.shift()!;
        group.push(w);
        size += w.deliveries.length;
      }
      await this.run(group);
    }
  }

  private async run(group: Waiting[]): Promise<void> {
    try {
      const result = await ingestDeliveries(this.gears, this.keys, group.flatMap((w) => w.deliveries));
      this.onResult(result);
      for (const w of group) w.resolve();
    } catch (err) {
      for (const w of group) w.reject(err);
    }
  }
}
