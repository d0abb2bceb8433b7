import type { MetricNode, MetricPoint } from '../../../contract/metrics';

interface HeldArg {
  v: number;
  t: number;
  x: number | null;
}

/**
 * The live metrics as the docs describe them, single-threaded and in memory, written without
 * the engine's code (no queue, no gear, no formula parser): each batch is written whole, then
 * every node it reaches is processed once, in topological order, and freshness is judged at
 * the batch's time. The property test compares the engine with it. Tests only.
 *
 * Formulas are limited to the shape the property test generates, `<a> * 2 - <b>` over two
 * argument names, and evaluated here directly.
 */
export class ReferenceMetrics {
  readonly values = new Map<string, { value: number; at: number }>();
  readonly history = new Map<string, MetricPoint[]>();
  private readonly held = new Map<string, Map<string, HeldArg>>();
  private readonly seq = new Map<string, number>();
  private readonly taken = new Map<string, number>();
  private readonly byId = new Map<string, MetricNode>();
  private readonly order = new Map<string, number>();

  /** `nodes` in definition order, each after its arguments. */
  constructor(nodes: readonly MetricNode[]) {
    nodes.forEach((n, i) => {
      this.byId.set(n.id, n);
      this.order.set(n.id, i);
    });
  }

  parents(id: string): string[] {
    return [...this.byId.values()].filter((n) => n.kind === 'derived' && n.args.includes(id)).map((n) => n.id);
  }

  apply(batch: readonly (readonly [string, number])[], now: number): void {
    for (const [node, value] of batch) this.write(node, value, now, 'input');
    const reached = new Set<string>();
    const todo = batch.map(([n]) => n);
    while (todo.length) {
      for (const p of this.parents(todo.pop()!)) {
        if (!reached.has(p)) {
          reached.add(p);
          todo.push(p);
        }
      }
    }
    for (const id of [...reached].sort((a, b) => this.order.get(a)! - this.order.get(b)!)) this.process(id, now);
  }

  private write(node: string, value: number, at: number, source: MetricPoint['source']): void {
    const prev = this.values.get(node);
    if (prev && prev.at > at) return;
    const def = this.byId.get(node)!;
    // The engine records -0 as 0 (docs/metrics.md).
    if (Object.is(value, -0)) value = 0;
    this.values.set(node, { value, at });
    const h = this.history.get(node) ?? [];
    h.push({ at, value, source });
    this.history.set(node, h);
    const x = def.validitySeconds === null ? null : at + def.validitySeconds * 1000;
    for (const p of this.parents(node)) {
      const args = this.held.get(p) ?? new Map<string, HeldArg>();
      this.held.set(p, args);
      const old = args.get(node);
      if (!old || old.t <= at) {
        args.set(node, { v: value, t: at, x });
        this.seq.set(p, (this.seq.get(p) ?? 0) + 1);
      }
    }
  }

  private process(id: string, now: number): void {
    const def = this.byId.get(id)!;
    if (def.kind !== 'derived') return;
    const args = this.held.get(id) ?? new Map<string, HeldArg>();
    this.held.set(id, args);
    const xs: number[] = [];
    let complete = true;
    for (const a of def.args) {
      const h = args.get(a);
      if (!h) complete = false;
      else if (h.x !== null && h.x <= now) {
        args.delete(a);
        complete = false;
      } else xs.push(h.v);
    }
    if (!complete) return;
    if (def.keepArguments) {
      const seq = this.seq.get(id) ?? 0;
      if (this.taken.get(id) === seq) return;
      this.taken.set(id, seq);
    } else {
      for (const a of def.args) args.delete(a);
    }
    const result = evaluate(def.fn, xs);
    if (result !== null && Number.isFinite(result)) this.write(id, result, now, 'computed');
  }
}

function evaluate(fn: string, xs: number[]): number | null {
  let r: number;
  switch (fn) {
    case 'add':
      r = 0;
      for (const x of xs) r += x;
      return r;
    case 'subtract':
      r = xs[0]!;
      for (const x of xs.slice(1)) r -= x;
      return r;
    case 'multiply':
      r = 1;
      for (const x of xs) r *= x;
      return r;
    case 'divide':
      r = xs[0]!;
      for (const x of xs.slice(1)) {
        if (x === 0) return null;
        r /= x;
      }
      return r;
    case 'min':
      return Math.min(...xs);
    case 'max':
      return Math.max(...xs);
    case 'average':
      r = 0;
      for (const x of xs) r += x;
      return r / xs.length;
    case 'formula':
      return xs[0]! * 2 - xs[1]!;
    default:
      throw new Error(`unknown fn ${fn}`);
  }
}
