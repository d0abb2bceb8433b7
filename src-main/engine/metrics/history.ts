import type { MetricPoint } from '../../contract/metrics';
import type { Logger } from '../log';
import type { Collection, Store } from '../store/store';

/** A point as stored: [at, value, 'i' (input) | 'c' (computed)]; compact, the file holds many. */
type StoredPoint = [number, number, 'i' | 'c'];

export interface HistoryData {
  series: { node: string; points: StoredPoint[] }[];
}

export interface HistoryOptions {
  /** Points kept per node (oldest dropped first). */
  capPerNode?: number;
  /** Longest a point waits in memory before the file is written. */
  flushMs?: number;
  /** Points that trigger a write at once. */
  flushAt?: number;
}

/**
 * Every value a node received or computed, with its time, in the lowdb file `metric-history`.
 * lowdb rewrites the whole file per write, so points are added in memory and written in
 * batches (after `flushMs`, or at once after `flushAt` points), and each node keeps at most
 * `capPerNode` points.
 */
export class MetricHistory {
  private readonly byNode = new Map<string, StoredPoint[]>();
  private unwritten = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly cap: number;
  private readonly flushMs: number;
  private readonly flushAt: number;

  private constructor(
    private readonly col: Collection<HistoryData>,
    private readonly log: Logger,
    opts: HistoryOptions,
  ) {
    this.cap = opts.capPerNode ?? 1000;
    this.flushMs = opts.flushMs ?? 1000;
    this.flushAt = opts.flushAt ?? 500;
    if (!Array.isArray(col.data.series)) col.data.series = [];
    for (const s of col.data.series) this.byNode.set(s.node, s.points);
  }

  static async open(store: Store, log: Logger, opts: HistoryOptions = {}): Promise<MetricHistory> {
    const col = await store.collection<HistoryData>('metric-history', () => ({ series: [] }));
    return new MetricHistory(col, log, opts);
  }

  append(node: string, point: MetricPoint): void {
    let points = this.byNode.get(node);
    if (!points) {
      points = [];
      this.byNode.set(node, points);
      this.col.data.series.push({ node, points });
    }
    points.push([point.at, point.value, point.source === 'input' ? 'i' : 'c']);
    // Trim in steps of a tenth so a full series is not shifted on every point.
    if (points.length > this.cap + Math.ceil(this.cap / 10)) points.splice(0, points.length - this.cap);
    this.unwritten += 1;
    if (this.unwritten >= this.flushAt) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** The last `limit` points of a node, oldest first. */
  read(node: string, limit: number): MetricPoint[] {
    const points = this.byNode.get(node) ?? [];
    const from = Math.max(0, points.length - Math.min(limit, this.cap));
    return points.slice(from).map(([at, value, s]) => ({ at, value, source: s === 'i' ? 'input' : 'computed' }));
  }

  nodes(): string[] {
    return [...this.byNode.keys()];
  }

  /** Forgets a node's points (its definition was removed). */
  forget(node: string): void {
    if (!this.byNode.delete(node)) return;
    this.col.data.series = this.col.data.series.filter((s) => s.node !== node);
    this.unwritten += 1;
    void this.flush();
  }

  /** Writes the points held in memory now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.unwritten === 0) return;
    this.unwritten = 0;
    try {
      await this.col.write();
    } catch (err) {
      this.log.error('could not write metric history', { err });
    }
  }
}
