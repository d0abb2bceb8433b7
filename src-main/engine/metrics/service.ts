import { z } from 'zod';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { RpcError } from '../../contract/errors';
import type { MetricNode, MetricSettings, MetricValue } from '../../contract/metrics';
import type { Clock } from '../clock';
import type { Gears } from '../gears/loader';
import { QUEUE_NAMES, type Keys } from '../keys';
import type { LiveBus } from '../live';
import type { Logger } from '../log';
import type { QueueFactory } from '../queues/factory';
import type { Store } from '../store/store';
import { DEFAULT_LEASE_MS, MetricArguments, readValues, type ChangeReach, type ChangeWrite, type ValueRecord } from './arguments';
import { MetricDefinitions } from './definitions';
import { MetricDefinitionError, type MetricGraph } from './graph';
import { DEFAULT_RETENTION_DAYS, MetricHistory, type HistoryOptions } from './history';
import { isTemplate } from './template';
import { validateInput } from './validate-input';

/** One job on the `metrics` queue: try to compute `node` from the arguments fresh at `at`. */
export interface ComputeJob {
  node: string;
  at: number;
}

/** Checked where it is consumed (QueueFactory.worker), like the pipeline's jobs. */
const computeJobSchema: z.ZodType<ComputeJob> = z.object({ node: z.string().min(1).max(500), at: z.number().nonnegative().finite() });

export interface MetricsDeps {
  redis: Redis;
  gears: Gears;
  keys: Keys;
  clock: Clock;
  log: Logger;
  live: LiveBus;
  queues: QueueFactory;
  store: Store;
}

export interface MetricsOptions {
  /** Compute jobs run at once by this process. */
  concurrency?: number;
  history?: HistoryOptions;
  /** How long a compute job holds the set it took before another worker may take it over. */
  leaseMs?: number;
  /** How often expired leases are looked for (default: half the lease). */
  sweepMs?: number;
  /** Called right after a job took its set (tests put a fault there: a throw, a kill). */
  afterTake?: (node: string) => void | Promise<void>;
}

export type ValueListener = (rec: ValueRecord & { source: 'input' | 'computed' }) => void;

/**
 * Redis keeps numbers as text and String(-0) is "0", so a -0 would reach the parents as 0 but
 * stay -0 in this process's history: record it as 0 everywhere.
 */
function noNegativeZero(v: number): number {
  return Object.is(v, -0) ? 0 : v;
}

/** When a value measured at `at` stops being usable; null validity: never. */
export function expiry(at: number, validitySeconds: number | null): number | null {
  return validitySeconds === null ? null : at + validitySeconds * 1000;
}

/**
 * The derived nodes one change to `nodes` reaches (every node above them), each with its
 * arguments that are themselves reached: those will be recomputed by the same change, so the
 * node waits for them.
 */
export function reachedBy(graph: MetricGraph, nodes: readonly string[]): ChangeReach[] {
  const reached = new Set<string>();
  const todo = [...nodes];
  while (todo.length) {
    for (const p of graph.parents(todo.pop()!)) {
      if (reached.has(p)) continue;
      reached.add(p);
      todo.push(p);
    }
  }
  return [...reached].map((node) => ({ node, pending: [...new Set(graph.resolve(node)?.args ?? [])].filter((a) => reached.has(a)) }));
}

// A job that fails after its take (a Redis hiccup, a thrown error) is retried: the retry has
// the same job id, so its take gets the same lease (the same set) back and commits it once.
// A job whose worker died is retried by BullMQ's stalled-job check, or queued again by the
// lease sweep once its lease expires.
const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 500, attempts: 8, backoff: { type: 'exponential', delay: 100 } };

/**
 * Live metrics: receives input values, keeps them as arguments of the nodes that use them
 * (atomically, in the vt_metrics gear), computes derived nodes on the `metrics` queue when a
 * full fresh argument set is there, and propagates each new value to its parents.
 */
export class MetricsService {
  private worker: Worker<ComputeJob> | null = null;
  private readonly queue: Queue<ComputeJob>;
  private readonly args: MetricArguments;
  private readonly listeners = new Set<ValueListener>();
  private readonly log: Logger;
  private sweeper: NodeJS.Timeout | null = null;

  private constructor(
    private readonly deps: MetricsDeps,
    private readonly definitions: MetricDefinitions,
    private readonly history: MetricHistory,
    private readonly opts: MetricsOptions,
  ) {
    this.log = deps.log.child({ module: 'metrics' });
    this.queue = deps.queues.queue<ComputeJob>(QUEUE_NAMES.metrics);
    this.args = new MetricArguments(deps.gears, deps.keys, deps.redis);
  }

  static async open(deps: MetricsDeps, opts: MetricsOptions = {}): Promise<MetricsService> {
    const definitions = await MetricDefinitions.open(deps.store, deps.log);
    // A retention the coordinator chose (kept with the definitions) wins over the default.
    const retentionDays = definitions.historyRetentionDays ?? opts.history?.retentionDays ?? DEFAULT_RETENTION_DAYS;
    const history = await MetricHistory.open(deps.store.dir, deps.clock, deps.log, { ...opts.history, retentionDays });
    return new MetricsService(deps, definitions, history, opts);
  }

  /** Starts computing (the queue worker). */
  start(): void {
    if (this.worker) return;
    this.worker = this.deps.queues.worker<ComputeJob>(QUEUE_NAMES.metrics, (job) => this.compute(job.data, job.id ?? ''), {
      concurrency: this.opts.concurrency ?? 4,
      schema: computeJobSchema,
    });
    const every = this.opts.sweepMs ?? (this.opts.leaseMs ?? DEFAULT_LEASE_MS) / 2;
    this.sweeper = setInterval(() => void this.sweepLeases().catch((err: unknown) => this.log.warn('metric lease sweep failed', { err })), every);
    this.sweeper.unref();
  }

  /**
   * Queues every node whose lease expired (the worker that took its set died or hung), so its
   * set is computed, and its parents released, by whoever takes it next. Returns the nodes.
   */
  async sweepLeases(): Promise<string[]> {
    const nodes = await this.args.expiredLeases();
    if (nodes.length > 0) this.log.warn('metric compute taken over after its lease expired', { nodes });
    await this.enqueue(nodes.map((node) => ({ node, at: this.deps.clock.now() })));
    return nodes;
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    await this.worker?.close();
    this.worker = null;
    await this.history.flush();
  }

  /** Problems found in the stored definitions. */
  get problems(): readonly string[] {
    return this.definitions.problems;
  }

  list(): MetricNode[] {
    return [...this.definitions.graph.nodes];
  }

  async define(node: MetricNode): Promise<MetricNode> {
    try {
      await this.definitions.define(node);
    } catch (err) {
      if (err instanceof MetricDefinitionError) throw new RpcError('bad_arguments', err.message);
      throw err;
    }
    // Arguments held for the old definition may not fit the new one.
    if (!isTemplate(node.id)) await this.args.clear(node.id);
    await this.publishDefinitions();
    return node;
  }

  async remove(id: string): Promise<void> {
    try {
      await this.definitions.remove(id);
    } catch (err) {
      if (err instanceof MetricDefinitionError) throw new RpcError(/There is no/.test(err.message) ? 'not_found' : 'conflict', err.message);
      throw err;
    }
    if (!isTemplate(id)) {
      await this.args.clear(id);
      await this.history.forget(id);
    }
    await this.publishDefinitions();
  }

  /**
   * Gives values to nodes (input nodes, or derived ones to override them). The whole batch is
   * checked first: one unknown node or non-number refuses all of it (RpcError bad_arguments).
   * `source` says who sent it (pipeline, ui, http), for the log.
   */
  accepts(node: string): boolean {
    return this.definitions.graph.resolve(node) !== null;
  }

  async input(values: unknown, source: string): Promise<{ accepted: number }> {
    const graph = this.definitions.graph;
    const now = this.deps.clock.now();
    const entries = validateInput(graph, values, now);
    const writes: ChangeWrite[] = [];
    for (const e of entries) {
      const def = graph.resolve(e.node)?.def;
      if (!def) continue;
      const at = e.at ?? now;
      writes.push({ rec: { node: e.node, value: noNegativeZero(e.value), at, expiresAt: expiry(at, def.validitySeconds) }, parents: graph.parents(e.node) });
    }
    const reach = reachedBy(graph, entries.map((e) => e.node));
    const written = await this.args.change(writes, reach);
    await Promise.all(writes.map(async ({ rec }, i) => (written[i] ? this.published(rec, 'input') : this.log.debug('older metric value ignored', { node: rec.node, at: rec.at }))));
    // Nodes that wait for nothing this change recomputes start at once; the others are queued
    // by the argument that releases them last (see compute).
    await this.enqueue(reach.filter((r) => r.pending.length === 0).map((r) => ({ node: r.node, at: now })));
    this.log.debug('metric input', { source, count: entries.length });
    return { accepted: entries.length };
  }

  settings(): MetricSettings {
    return { historyRetentionDays: this.history.retention };
  }

  async setSettings(s: MetricSettings): Promise<MetricSettings> {
    await this.definitions.setHistoryRetentionDays(s.historyRetentionDays);
    await this.history.setRetention(s.historyRetentionDays);
    return this.settings();
  }

  /** Damaged history lines skipped since start (a crash cut an append short). */
  get skippedHistoryLines(): number {
    return this.history.skippedLines;
  }

  /**
   * Each node's last value and its history: the last `historyLimit` points, or with `from`/`to`
   * (epoch ms) up to `historyLimit` points spread over that range (only its days are read).
   */
  async values(nodes: readonly string[] | undefined, historyLimit: number, range: { from?: number; to?: number } = {}): Promise<MetricValue[]> {
    const graph = this.definitions.graph;
    const ids =
      nodes ?? [...new Set([...graph.nodes.filter((n) => !isTemplate(n.id)).map((n) => n.id), ...this.history.nodes()])].sort();
    const current = await readValues(this.deps.redis, this.deps.keys, ids);
    const now = this.deps.clock.now();
    const histories = await this.history.readMany(ids, { limit: historyLimit, ...range });
    return ids.map((id, i) => {
      const def = graph.resolve(id)?.def ?? null;
      const v = current[i] ?? null;
      return {
        node: id,
        definition: def?.id ?? null,
        label: def?.label ?? null,
        value: v?.value ?? null,
        at: v?.at ?? null,
        expiresAt: v?.expiresAt ?? null,
        fresh: v ? v.expiresAt === null || v.expiresAt > now : false,
        history: histories[i]!,
      };
    });
  }

  /** Calls `listener` for every value this process records; returns the function that stops it. */
  onValue(listener: ValueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once no compute job is waiting or running (tests and the CLI wait on it). */
  async settled(pollMs = 20): Promise<void> {
    for (;;) {
      const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(c).every((n) => n === 0)) return;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * The compute job: once no argument of `node` is still to be recomputed, process the changes
   * due on it (compute when this caller got a full fresh set), then release it on its parents
   * and queue those that now wait for nothing.
   */
  async compute(job: ComputeJob, owner = ''): Promise<'computed' | 'incomplete' | 'no-value' | 'unknown' | 'waiting' | 'idle' | 'committed-already'> {
    const graph = this.definitions.graph;
    const node = graph.resolve(job.node);
    if (!node || node.def.kind !== 'derived') return 'unknown';
    const taken = await this.args.take(node.id, node.args, job.at, node.def.keepArguments, { owner, ms: this.opts.leaseMs ?? DEFAULT_LEASE_MS });
    if (taken.status === 'wait') return 'waiting';
    if (taken.status === 'idle') return 'idle';
    await this.opts.afterTake?.(node.id);
    // A lease taken over from a job that died keeps that job's time.
    const at = taken.at;
    let rec: ValueRecord | null = null;
    let result: 'computed' | 'incomplete' | 'no-value' = 'incomplete';
    if (taken.status === 'ok') {
      const outcome = graph.compute(node, taken.values);
      if (outcome.ok) {
        rec = { node: node.id, value: noNegativeZero(outcome.value), at, expiresAt: expiry(at, node.def.validitySeconds) };
        result = 'computed';
      } else {
        this.log.warn('metric not computed', { node: node.id, reason: outcome.reason, args: node.args, values: taken.values });
        result = 'no-value';
      }
    }
    // Released even when nothing was computed, so the parents stop waiting for this node.
    const { committed, written, ready } = await this.args.done(node.id, taken.lease, rec, graph.parents(node.id));
    // The lease was committed by another taker of the same set (a retry, or the original): it
    // recorded the value and released the parents; this one adds nothing.
    if (!committed) return 'committed-already';
    if (rec && written) await this.published(rec, 'computed');
    else if (rec) this.log.debug('older metric value ignored', { node: rec.node, at: rec.at });
    await this.enqueue(ready.map((p) => ({ node: p, at })));
    return result;
  }

  /** A recorded value goes to the history, the listeners and the live channel. */
  private async published(rec: ValueRecord, source: 'input' | 'computed'): Promise<void> {
    this.history.append(rec.node, { at: rec.at, value: rec.value, source });
    for (const l of this.listeners) l({ ...rec, source });
    await this.deps.live.publish('metrics.value', { ...rec, source }).catch((err: unknown) => this.log.warn('live publish failed', { err }));
  }

  /** One job per node is enough: a job processes every change due on its node. */
  private async enqueue(jobs: ComputeJob[]): Promise<void> {
    const byNode = new Map<string, ComputeJob>();
    for (const j of jobs) if ((byNode.get(j.node)?.at ?? -Infinity) < j.at) byNode.set(j.node, j);
    if (byNode.size === 0) return;
    await this.queue.addBulk([...byNode.values()].map((data) => ({ name: 'compute', data, opts: JOB_OPTIONS })));
  }

  private async publishDefinitions(): Promise<void> {
    await this.deps.live.publish('metrics.definitions', { nodes: this.list() }).catch((err: unknown) => this.log.warn('live publish failed', { err }));
  }
}
