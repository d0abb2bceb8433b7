import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { RpcError } from '../../contract/errors';
import type { MetricNode, MetricValue } from '../../contract/metrics';
import type { Clock } from '../clock';
import type { Gears } from '../gears/loader';
import { QUEUE_NAMES, type Keys } from '../keys';
import type { LiveBus } from '../live';
import type { Logger } from '../log';
import type { QueueFactory } from '../queues/factory';
import type { Store } from '../store/store';
import { MetricArguments, readValues, type ValueRecord } from './arguments';
import { MetricDefinitions } from './definitions';
import { MetricDefinitionError } from './graph';
import { MetricHistory, type HistoryOptions } from './history';
import { isTemplate } from './template';
import { validateInput } from './validate-input';

/** One job on the `metrics` queue: try to compute `node` from the arguments fresh at `at`. */
export interface ComputeJob {
  node: string;
  at: number;
}

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
}

export type ValueListener = (rec: ValueRecord & { source: 'input' | 'computed' }) => void;

const JOB_OPTIONS = { removeOnComplete: true, removeOnFail: 500, attempts: 3, backoff: { type: 'exponential', delay: 200 } };

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
    const history = await MetricHistory.open(deps.store, deps.log, opts.history);
    return new MetricsService(deps, definitions, history, opts);
  }

  /** Starts computing (the queue worker). */
  start(): void {
    if (this.worker) return;
    this.worker = this.deps.queues.worker<ComputeJob>(QUEUE_NAMES.metrics, (job) => this.compute(job.data), {
      concurrency: this.opts.concurrency ?? 4,
    });
  }

  async stop(): Promise<void> {
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
      this.history.forget(id);
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
    const entries = validateInput(this.definitions.graph, values);
    const at = this.deps.clock.now();
    const jobs: ComputeJob[] = [];
    await Promise.all(entries.map(async ([node, value]) => jobs.push(...(await this.record(node, value, at, 'input')))));
    await this.enqueue(jobs);
    this.log.debug('metric input', { source, count: entries.length });
    return { accepted: entries.length };
  }

  async values(nodes: readonly string[] | undefined, historyLimit: number): Promise<MetricValue[]> {
    const graph = this.definitions.graph;
    const ids =
      nodes ?? [...new Set([...graph.nodes.filter((n) => !isTemplate(n.id)).map((n) => n.id), ...this.history.nodes()])].sort();
    const current = await readValues(this.deps.redis, this.deps.keys, ids);
    const now = this.deps.clock.now();
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
        fresh: v ? v.expiresAt > now : false,
        history: this.history.read(id, historyLimit),
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

  /** The compute job: take a full fresh argument set (if this caller gets it) and compute. */
  async compute(job: ComputeJob): Promise<'computed' | 'incomplete' | 'no-value' | 'unknown'> {
    const graph = this.definitions.graph;
    const node = graph.resolve(job.node);
    if (!node || node.def.kind !== 'derived') return 'unknown';
    const values = await this.args.take(node.id, node.args, job.at, node.def.keepArguments);
    if (!values) return 'incomplete';
    const outcome = graph.compute(node, values);
    if (!outcome.ok) {
      this.log.warn('metric not computed', { node: node.id, reason: outcome.reason, args: node.args, values });
      return 'no-value';
    }
    await this.enqueue(await this.record(node.id, outcome.value, job.at, 'computed'));
    return 'computed';
  }

  /** Records a value (Redis, history, live event) and returns the parents' compute jobs. */
  private async record(node: string, value: number, at: number, source: 'input' | 'computed'): Promise<ComputeJob[]> {
    const graph = this.definitions.graph;
    const def = graph.resolve(node)?.def;
    if (!def) return [];
    const parents = graph.parents(node);
    const rec: ValueRecord = { node, value, at, expiresAt: at + def.validitySeconds * 1000 };
    if (!(await this.args.set(rec, parents))) {
      this.log.debug('older metric value ignored', { node, at });
      return [];
    }
    this.history.append(node, { at, value, source });
    for (const l of this.listeners) l({ ...rec, source });
    await this.deps.live.publish('metrics.value', { ...rec, source }).catch((err: unknown) => this.log.warn('live publish failed', { err }));
    return parents.map((p) => ({ node: p, at }));
  }

  /**
   * Every argument of one batch is written before its jobs are queued, so one job per parent
   * is enough (a batch of C, D and E needs one try at A, not three).
   */
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
