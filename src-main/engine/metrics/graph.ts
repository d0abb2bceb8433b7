import type { MetricDerivedNode, MetricNode } from '../../contract/metrics';
import { evaluateFormula, FormulaError, formulaNames, parseFormula, type FormulaNode, type Outcome } from './formula';
import { instantiate, isTemplate, match, overlaps, placeholders } from './template';

/** A definition that cannot be accepted; the message says why and what to change. */
export class MetricDefinitionError extends Error {
  override name = 'MetricDefinitionError';
}

/** A concrete node as the engine works with it: its id, its definition, its concrete arguments. */
export interface ResolvedNode {
  id: string;
  def: MetricNode;
  /** Concrete argument ids in order (empty for an input node). */
  args: string[];
}

type Compiled = (values: readonly number[]) => Outcome;

function noValue(reason: string): Outcome {
  return { ok: false, reason };
}

function checked(value: number, what: string): Outcome {
  return Number.isFinite(value) ? { ok: true, value } : noValue(`${what} gave ${String(value)}`);
}

function compile(def: MetricDerivedNode): Compiled {
  switch (def.fn) {
    case 'add':
      return (xs) => checked(xs.reduce((s, x) => s + x, 0), 'add');
    case 'subtract':
      return (xs) => checked(xs.slice(1).reduce((s, x) => s - x, xs[0]!), 'subtract');
    case 'multiply':
      return (xs) => checked(xs.reduce((s, x) => s * x, 1), 'multiply');
    case 'divide':
      return (xs) => {
        if (xs.slice(1).some((x) => x === 0)) return noValue('division by zero');
        return checked(xs.slice(1).reduce((s, x) => s / x, xs[0]!), 'divide');
      };
    case 'min':
      return (xs) => checked(Math.min(...xs), 'min');
    case 'max':
      return (xs) => checked(Math.max(...xs), 'max');
    case 'average':
      return (xs) => checked(xs.reduce((s, x) => s + x, 0) / xs.length, 'average');
    case 'formula': {
      const { tree, index } = compileFormula(def);
      return (xs) => evaluateFormula(tree, new Map([...index].map(([name, i]) => [name, xs[i]!])));
    }
  }
}

/**
 * A name in a formula is an argument's full id or, when no other argument shares it, the
 * argument's last segment (`signups` for `event:{event}:signups`).
 */
function compileFormula(def: MetricDerivedNode): { tree: FormulaNode; index: Map<string, number> } {
  if (!def.formula) throw new MetricDefinitionError(`Node "${def.id}" uses fn "formula" but has no formula.`);
  let tree: FormulaNode;
  try {
    tree = parseFormula(def.formula);
  } catch (err) {
    if (err instanceof FormulaError) throw new MetricDefinitionError(`Formula of "${def.id}": ${err.message}`);
    throw err;
  }
  const index = new Map<string, number>();
  for (const name of formulaNames(tree)) {
    let i = def.args.indexOf(name);
    if (i < 0) {
      const bySegment = def.args.flatMap((a, j) => (a.split(':').at(-1) === name ? [j] : []));
      if (bySegment.length > 1) {
        throw new MetricDefinitionError(`Formula of "${def.id}": "${name}" could mean several arguments; write the full id in brackets, e.g. [${def.args[bySegment[0]!]}].`);
      }
      i = bySegment[0] ?? -1;
    }
    if (i < 0) {
      throw new MetricDefinitionError(`Formula of "${def.id}" uses "${name}", which is not one of its arguments (${def.args.join(', ')}). Add it to the arguments or fix the name.`);
    }
    index.set(name, i);
  }
  return { tree, index };
}

/**
 * The metric definitions as a graph: which node a concrete id is, who its parents are (the
 * nodes that use it as an argument), and how a derived node computes. Immutable: a change
 * builds a new graph through `withNode` / `withoutNode`, which refuse unknown arguments,
 * broken formulas and cycles, so a graph in use is always valid.
 */
export class MetricGraph {
  private readonly byId = new Map<string, MetricNode>();
  private readonly templates: MetricNode[] = [];
  private readonly compiled = new Map<string, Compiled>();

  /** `focus`: the node being added, so a cycle is reported starting from it. */
  constructor(
    readonly nodes: readonly MetricNode[],
    focus?: string,
  ) {
    for (const n of nodes) {
      this.byId.set(n.id, n);
      if (isTemplate(n.id)) this.templates.push(n);
    }
    for (const n of nodes) this.check(n);
    this.checkCycles(focus);
    for (const n of nodes) if (n.kind === 'derived') this.compiled.set(n.id, compile(n));
  }

  /** The concrete node `id` stands for, or null when no definition or template covers it. */
  resolve(id: string): ResolvedNode | null {
    if (isTemplate(id)) return null;
    const exact = this.byId.get(id);
    if (exact) return { id, def: exact, args: exact.kind === 'derived' ? [...exact.args] : [] };
    for (const t of this.templates) {
      const b = match(t.id, id);
      if (b) return { id, def: t, args: t.kind === 'derived' ? t.args.map((a) => instantiate(a, b)) : [] };
    }
    return null;
  }

  /** Concrete ids of the nodes that use `id` as an argument. */
  parents(id: string): string[] {
    const out = new Set<string>();
    for (const n of this.nodes) {
      if (n.kind !== 'derived') continue;
      if (!isTemplate(n.id)) {
        if (n.args.includes(id)) out.add(n.id);
        continue;
      }
      for (const a of n.args) {
        const b = match(a, id);
        if (!b) continue;
        const parent = instantiate(n.id, b);
        // A concrete definition may override one instance of a template; it lists its own args.
        if (this.resolve(parent)?.def === n) out.add(parent);
      }
    }
    return [...out];
  }

  /** Computes a derived node from its argument values (in argument order). */
  compute(node: ResolvedNode, values: readonly number[]): Outcome {
    const fn = this.compiled.get(node.def.id);
    if (!fn) return noValue(`"${node.id}" is not a derived node`);
    return fn(values);
  }

  withNode(node: MetricNode): MetricGraph {
    const rest = this.nodes.filter((n) => n.id !== node.id);
    return new MetricGraph([...rest, node], node.id);
  }

  withoutNode(id: string): MetricGraph {
    if (!this.byId.has(id)) throw new MetricDefinitionError(`There is no metric node "${id}".`);
    const users = this.nodes.filter((n) => n.kind === 'derived' && n.args.some((a) => a === id || (!isTemplate(a) && isTemplate(id) && match(id, a))));
    if (users.length) {
      throw new MetricDefinitionError(`"${id}" is an argument of ${users.map((u) => `"${u.id}"`).join(', ')}; remove those or change their arguments first.`);
    }
    return new MetricGraph(this.nodes.filter((n) => n.id !== id));
  }

  private check(n: MetricNode): void {
    if (isTemplate(n.id)) {
      const clash = this.templates.find((t) => t !== n && overlaps(t.id, n.id));
      if (clash) throw new MetricDefinitionError(`Templates "${n.id}" and "${clash.id}" would both claim the same nodes; rename one.`);
    }
    if (n.kind !== 'derived') return;
    if (n.fn !== 'formula' && n.formula !== undefined) {
      throw new MetricDefinitionError(`Node "${n.id}" has a formula but fn "${n.fn}"; use fn "formula" or drop the formula.`);
    }
    if ((n.fn === 'subtract' || n.fn === 'divide') && n.args.length < 2) {
      throw new MetricDefinitionError(`Node "${n.id}" uses ${n.fn}, which needs at least two arguments.`);
    }
    if (n.args.includes(n.id)) throw new MetricDefinitionError(`Node "${n.id}" cannot be its own argument (cycle ${n.id} → ${n.id}).`);
    const own = placeholders(n.id).sort().join(',');
    for (const a of n.args) {
      if (placeholders(a).sort().join(',') !== own) {
        throw new MetricDefinitionError(
          own
            ? `Argument "${a}" of template "${n.id}" must use exactly its placeholders {${own}}.`
            : `Argument "${a}" of "${n.id}" is a template; name one concrete node (e.g. event:42:signups) or make "${n.id}" a template too.`,
        );
      }
      if (isTemplate(a) ? !this.byId.has(a) : !this.resolve(a)) {
        throw new MetricDefinitionError(`Argument "${a}" of "${n.id}" is not defined; define it first (an input node, or a derived one).`);
      }
    }
    compile(n);
  }

  /** The definition an argument of `n` refers to (a template argument names its template). */
  private argDefs(n: MetricNode): string[] {
    if (n.kind !== 'derived') return [];
    return n.args.flatMap((a) => {
      const d = isTemplate(a) ? this.byId.get(a) : this.resolve(a)?.def;
      return d ? [d.id] : [];
    });
  }

  private checkCycles(focus?: string): void {
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (id: string): void => {
      const s = state.get(id);
      if (s === 'done') return;
      if (s === 'open') {
        const cycle = [...path.slice(path.indexOf(id)), id];
        throw new MetricDefinitionError(`This would make a cycle: ${cycle.join(' → ')}. A node cannot depend on itself, even through other nodes.`);
      }
      state.set(id, 'open');
      path.push(id);
      const n = this.byId.get(id);
      if (n) for (const a of this.argDefs(n)) visit(a);
      path.pop();
      state.set(id, 'done');
    };
    if (focus) visit(focus);
    for (const n of this.nodes) visit(n.id);
  }
}
