import type { Redis } from 'ioredis';
import type { Gears } from '../gears/loader';
import type { Keys } from '../keys';

/** Argument hashes outlive their freshest value by this much before Redis collects them. */
const GC_MARGIN_MS = 3600_000;

/**
 * The expiry stored for a value that never expires: the last millisecond a JavaScript Date can
 * hold, so every comparison in the gear (`x <= now`) stays a plain number comparison.
 */
export const NEVER_EXPIRES = 8.64e15;

export interface ValueRecord {
  node: string;
  value: number;
  /** When the value was measured (an input's own `at`) or computed. */
  at: number;
  /** When it stops being usable as an argument; null: never. */
  expiresAt: number | null;
}

/** One value an input call writes, with the parents it becomes an argument of. */
export interface ChangeWrite {
  rec: ValueRecord;
  parents: readonly string[];
}

/** A derived node one change reaches, with its arguments that the same change recomputes. */
export interface ChangeReach {
  node: string;
  pending: readonly string[];
}

/**
 * What a take got. `incomplete` and `ok` hold a lease (`lease`, its id) that `done` commits;
 * `at` is the time of the job that first took it (a retake returns the original's).
 */
export type TakeResult =
  | { status: 'wait' }
  | { status: 'idle' }
  | { status: 'incomplete'; due: number; lease: string; at: number }
  | { status: 'ok'; due: number; lease: string; at: number; values: number[] };

/** Who takes, and for how long the set is theirs before another worker may take it over. */
export interface LeaseOptions {
  /** The compute job's id: its retry (same id) gets its own lease back at once. */
  owner: string;
  ms: number;
}

/** How long a worker holds a taken set before it counts as gone (Redis server time). */
export const DEFAULT_LEASE_MS = 30_000;

function gcMs(rec: ValueRecord): number {
  if (rec.expiresAt === null) return -1;
  return Math.ceil(Math.max(rec.expiresAt - rec.at, 0) * 2 + GC_MARGIN_MS);
}

const storedExpiry = (rec: ValueRecord): number => rec.expiresAt ?? NEVER_EXPIRES;

/**
 * The Redis side of metric arguments (gears/metrics.lua). Every operation is a single
 * Function call, so concurrent inputs and workers can neither lose an update nor compute
 * twice from one argument set, and a node never computes while an argument it waits for is
 * still being recomputed.
 */
export class MetricArguments {
  constructor(
    private readonly gears: Gears,
    private readonly keys: Keys,
    private readonly redis: Redis,
  ) {}

  /**
   * One change in one step: writes every value (as the node's value and as an argument of each
   * parent) and marks each reached node due, with its recomputed arguments pending. Returns,
   * per write, whether it was recorded (false: a newer value was already held).
   */
  async change(writes: readonly ChangeWrite[], reach: readonly ChangeReach[]): Promise<boolean[]> {
    const fnKeys: string[] = [];
    const index = new Map<string, number>();
    const key = (k: string): number => {
      let i = index.get(k);
      if (i === undefined) {
        fnKeys.push(k);
        i = fnKeys.length;
        index.set(k, i);
      }
      return i;
    };
    const plan = {
      w: writes.map(({ rec, parents }) => [
        rec.node,
        String(rec.value),
        String(rec.at),
        String(storedExpiry(rec)),
        gcMs(rec),
        key(this.keys.metricValue(rec.node)),
        parents.map((p) => key(this.keys.metricArgs(p))),
      ]),
      d: reach.map((r) => [key(this.keys.metricArgs(r.node)), r.pending]),
    };
    // cjson turns an empty Lua table into {} either way; an empty list here means "none".
    const r = await this.gears.call('vt_metric_change', fnKeys, [JSON.stringify(plan)]);
    return r.map((x) => x === 1);
  }

  /**
   * Processes the changes due on `node` once nothing is pending on it: hands its full argument
   * set (values in `args` order) to this caller only when every argument is present and fresh
   * at `now`. `keep` leaves the arguments in place (the set is only marked taken).
   */
  async take(node: string, args: readonly string[], now: number, keep: boolean, lease: LeaseOptions = { owner: '', ms: DEFAULT_LEASE_MS }): Promise<TakeResult> {
    const r = await this.gears.call(
      'vt_metric_take',
      [this.keys.metricArgs(node), this.keys.metricLeases],
      [now, keep ? 1 : 0, node, lease.owner, lease.ms, now, ...args],
    );
    const status = String(r[0]);
    if (status === 'wait') return { status };
    if (status === 'idle') return { status };
    const [due, id, at] = [Number(r[1]), String(r[2]), Number(r[3])];
    if (status === 'incomplete') return { status, due, lease: id, at };
    return { status: 'ok', due, lease: id, at, values: r.slice(4).map(Number) };
  }

  /**
   * Commits lease `lease` of `node`: records its computed value (or none), then releases it on
   * each parent for the changes the lease processed. Only the first commit of a lease counts
   * (`committed` false: a retry or the original already did). Returns the parents that now wait
   * for nothing and have changes due, to be queued.
   */
  async done(node: string, lease: string, rec: ValueRecord | null, parents: readonly string[]): Promise<{ committed: boolean; written: boolean; ready: string[] }> {
    const fnKeys = [this.keys.metricValue(node), this.keys.metricArgs(node), this.keys.metricLeases, ...parents.map((p) => this.keys.metricArgs(p))];
    const argv = rec ? [node, lease, 1, String(rec.value), String(rec.at), String(storedExpiry(rec)), gcMs(rec)] : [node, lease, 0, '', '', '', 0];
    const r = await this.gears.call('vt_metric_done', fnKeys, argv);
    return { committed: r[0] === 1, written: r[1] === 1, ready: r.slice(2).map((i) => parents[i - 1]!) };
  }

  /** Nodes holding a lease that expired (its worker died or hung), at most `max`. */
  async expiredLeases(max = 100): Promise<string[]> {
    const r = await this.gears.call('vt_metric_expired', [this.keys.metricLeases], [max]);
    return [...new Set(r.map((m) => m.slice(0, m.lastIndexOf('\n'))))];
  }

  /** Forgets the argument values held for `node` (after its definition changed). */
  async clear(node: string): Promise<void> {
    await this.gears.call('vt_metric_clear', [this.keys.metricArgs(node)], []);
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
    const expiresAt = Number(x);
    return { node: nodes[i]!, value: Number(v), at: Number(at), expiresAt: expiresAt >= NEVER_EXPIRES ? null : expiresAt };
  });
}
