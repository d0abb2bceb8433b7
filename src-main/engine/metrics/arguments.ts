import type { Redis } from 'ioredis';
import type { Gears } from '../gears/loader';
import type { Keys } from '../keys';

const LIBRARY = 'vt_metrics';

/** Argument hashes outlive their freshest value by this much before Redis collects them. */
const GC_MARGIN_MS = 3600_000;

export interface ValueRecord {
  node: string;
  value: number;
  at: number;
  expiresAt: number;
}

/**
 * The Redis side of metric arguments (gears/metrics.lua). Both operations are single
 * Function calls, so concurrent inputs and workers can neither lose an update nor compute
 * twice from one argument set.
 */
export class MetricArguments {
  constructor(
    private readonly gears: Gears,
    private readonly keys: Keys,
    private readonly redis: Redis,
  ) {}

  /**
   * Records `rec` as the node's value and as an argument of each parent, in one step.
   * Returns false when a newer value was already held (then nothing changed).
   */
  async set(rec: ValueRecord, parents: readonly string[]): Promise<boolean> {
    const gcMs = Math.ceil(Math.max(rec.expiresAt - rec.at, 0) * 2 + GC_MARGIN_MS);
    const fnKeys = [this.keys.metricValue(rec.node), ...parents.map((p) => this.keys.metricArgs(p))];
    const r = await this.gears.call<number>(LIBRARY, 'vt_metric_set', fnKeys, [rec.node, String(rec.value), rec.at, rec.expiresAt, gcMs]);
    return r === 1;
  }

  /**
   * Hands `node`'s full argument set (values in `args` order) to this caller only, when every
   * argument is present and fresh at `now`; null otherwise. `keep` leaves the arguments in
   * place (the set is only marked taken).
   */
  async take(node: string, args: readonly string[], now: number, keep: boolean): Promise<number[] | null> {
    const r = await this.gears.call<string[] | null>(LIBRARY, 'vt_metric_take', [this.keys.metricArgs(node)], [now, keep ? 1 : 0, ...args]);
    return r ? r.map(Number) : null;
  }

  /** Forgets every argument held for `node` (after its definition changed). */
  async clear(node: string): Promise<void> {
    await this.redis.del(this.keys.metricArgs(node));
  }
}

/** Reads the last recorded values of some nodes (null where none). */
export async function readValues(redis: Redis, keys: Keys, nodes: readonly string[]): Promise<(ValueRecord | null)[]> {
  if (nodes.length === 0) return [];
  const p = redis.pipeline();
  for (const n of nodes) p.hmget(keys.metricValue(n), 'v', 'at', 'x');
  const rows = (await p.exec()) ?? [];
  return rows.map(([err, row], i) => {
    const [v, at, x] = (row ?? []) as (string | null)[];
    if (err || v == null || at == null || x == null) return null;
    return { node: nodes[i]!, value: Number(v), at: Number(at), expiresAt: Number(x) };
  });
}
