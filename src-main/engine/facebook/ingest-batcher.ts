import type { Gears } from '../gears/loader';
import { ingestDeliveries, type Delivery, type IngestResult } from '../ingest/ingest';
import type { Keys } from '../keys';

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
