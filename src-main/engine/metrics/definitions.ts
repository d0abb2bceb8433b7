import { metricNodeSchema, type MetricNode } from '../../contract/metrics';
import type { Logger } from '../log';
import type { Collection, Store } from '../store/store';
import { defaultMetricNodes, FIRST_DEFAULT_IDS } from './defaults';
import { MetricDefinitionError, MetricGraph } from './graph';

export interface DefinitionsData {
  nodes: MetricNode[];
  /** Set once the defaults were added, so a coordinator who removes one does not get it back. */
  defaultsInstalled: boolean;
  /**
   * Ids of every default already offered once. A default added in a later version is added on
   * the next start; one the coordinator removed stays removed.
   */
  defaultsSeen?: string[];
  /** Days of metric history kept, once the coordinator chose it (absent: the default). */
  historyRetentionDays?: number;
}

/** The metric definitions in the lowdb file `metric-definitions`, as a validated graph. */
export class MetricDefinitions {
  /** Definitions found in the file that could not be used (hand edits, older versions). */
  readonly problems: string[] = [];

  private constructor(
    private readonly col: Collection<DefinitionsData>,
    private current: MetricGraph,
  ) {}

  static async open(store: Store, log: Logger): Promise<MetricDefinitions> {
    const col = await store.collection<DefinitionsData>('metric-definitions', () => ({ nodes: [], defaultsInstalled: false }));
    const problems: string[] = [];
    const parsed: MetricNode[] = [];
    for (const raw of Array.isArray(col.data.nodes) ? col.data.nodes : []) {
      const r = metricNodeSchema.safeParse(raw);
      if (r.success) parsed.push(r.data);
      else problems.push(`a stored metric definition is malformed and was skipped: ${JSON.stringify(raw).slice(0, 200)}`);
    }
    const seen = new Set(col.data.defaultsSeen ?? (col.data.defaultsInstalled ? FIRST_DEFAULT_IDS : []));
    const defaults = defaultMetricNodes();
    for (const d of defaults) if (!seen.has(d.id) && !parsed.some((p) => p.id === d.id)) parsed.push(d);
    const graph = buildTolerant(parsed, problems);
    for (const p of problems) log.error(p);
    col.data.nodes = [...graph.nodes];
    col.data.defaultsInstalled = true;
    col.data.defaultsSeen = [...new Set([...seen, ...defaults.map((d) => d.id)])];
    await col.write();
    const defs = new MetricDefinitions(col, graph);
    defs.problems.push(...problems);
    return defs;
  }

  get graph(): MetricGraph {
    return this.current;
  }

  /** Adds or replaces a node; throws MetricDefinitionError (cycle, unknown argument, bad formula). */
  async define(node: MetricNode): Promise<MetricGraph> {
    const next = this.current.withNode(node);
    await this.save(next);
    return next;
  }

  async remove(id: string): Promise<MetricGraph> {
    const next = this.current.withoutNode(id);
    await this.save(next);
    return next;
  }

  get historyRetentionDays(): number | null {
    const d = this.col.data.historyRetentionDays;
    return typeof d === 'number' && Number.isInteger(d) && d >= 1 ? d : null;
  }

  async setHistoryRetentionDays(days: number): Promise<void> {
    await this.col.update((d) => {
      d.historyRetentionDays = days;
    });
  }

  private async save(next: MetricGraph): Promise<void> {
    this.current = next;
    await this.col.update((d) => {
      d.nodes = [...next.nodes];
    });
  }
}

/**
 * Builds the graph from stored definitions, leaving out (and reporting) those that no longer
 * fit, instead of refusing to start.
 */
function buildTolerant(nodes: MetricNode[], problems: string[]): MetricGraph {
  try {
    return new MetricGraph(nodes);
  } catch {
    // Fall through: add one at a time, in as many passes as arguments need.
  }
  let graph = new MetricGraph([]);
  let pending = nodes;
  for (;;) {
    const failed: { node: MetricNode; why: string }[] = [];
    for (const n of pending) {
      try {
        graph = graph.withNode(n);
      } catch (err) {
        if (!(err instanceof MetricDefinitionError)) throw err;
        failed.push({ node: n, why: err.message });
      }
    }
    if (failed.length === 0 || failed.length === pending.length) {
      for (const f of failed) problems.push(`stored metric definition "${f.node.id}" was skipped: ${f.why}`);
      return graph;
    }
    pending = failed.map((f) => f.node);
  }
}
