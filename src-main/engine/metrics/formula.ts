/**
 * The formula language of derived metric nodes: numbers, argument names, `+ - * /`,
 * parentheses and the functions min, max, avg, abs, round. It is parsed by hand (tokenizer +
 * recursive descent) into a small tree and evaluated over numbers only, so a formula can never
 * reach anything but its arguments. Coordinators type these, so errors name the position.
 *
 * Names: a bare name (`signups`, `C`) or, for node ids with other characters, a bracketed one
 * (`[event:{event}:signups]`).
 */

export const FORMULA_LIMITS = {
  /** Longest formula text accepted. */
  maxLength: 2000,
  /** Deepest nesting of parentheses, unary signs and function calls. */
  maxDepth: 64,
  maxTokens: 1000,
} as const;

export const FORMULA_FUNCTIONS = ['min', 'max', 'avg', 'abs', 'round'] as const;
export type FormulaFunction = (typeof FORMULA_FUNCTIONS)[number];

export type FormulaNode =
  | { type: 'number'; value: number }
  | { type: 'name'; name: string }
  | { type: 'negate'; operand: FormulaNode }
  | { type: 'binary'; op: '+' | '-' | '*' | '/'; left: FormulaNode; right: FormulaNode }
  | { type: 'call'; fn: FormulaFunction; args: FormulaNode[] };

/** A formula the coordinator wrote that cannot be used; the message says where and why. */
export class FormulaError extends Error {
  override name = 'FormulaError';
}

type Token =
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'op'; value: '+' | '-' | '*' | '/' | '(' | ')' | ','; pos: number }
  | { kind: 'end'; pos: number };

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACKET_NAME = /^\[([^\][]{1,200})\]/;

export function tokenize(text: string): Token[] {
  if (text.length > FORMULA_LIMITS.maxLength) {
    throw new FormulaError(`The formula is longer than ${FORMULA_LIMITS.maxLength} characters; split it into several nodes.`);
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i += 1;
      continue;
    }
    const rest = text.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      const value = Number(num[0]);
      if (!Number.isFinite(value)) throw new FormulaError(`The number at position ${i + 1} is too large.`);
      tokens.push({ kind: 'number', value, pos: i });
      i += num[0].length;
    } else if (BARE_NAME.test(rest)) {
      const name = BARE_NAME.exec(rest)![0];
      tokens.push({ kind: 'name', value: name, pos: i });
      i += name.length;
    } else if (ch === '[') {
      const m = BRACKET_NAME.exec(rest);
      if (!m) throw new FormulaError(`The bracketed name at position ${i + 1} is not closed with ].`);
      tokens.push({ kind: 'name', value: m[1]!, pos: i });
      i += m[0].length;
    } else if ('+-*/(),'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch as '+', pos: i });
      i += 1;
    } else {
      throw new FormulaError(`Unexpected character "${ch}" at position ${i + 1}; formulas use numbers, names, + - * / ( ) and min, max, avg, abs, round.`);
    }
    if (tokens.length > FORMULA_LIMITS.maxTokens) throw new FormulaError(`The formula has more than ${FORMULA_LIMITS.maxTokens} parts; split it into several nodes.`);
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end of the formula';
  return `"${String(t.value)}" at position ${t.pos + 1}`;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): FormulaNode {
    const node = this.expression(0);
    const t = this.peek();
    if (t.kind !== 'end') throw new FormulaError(`Unexpected ${describe(t)}.`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const t = this.tokens[this.i]!;
    if (t.kind !== 'end') this.i += 1;
    return t;
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }

  private expect(value: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.value !== value) throw new FormulaError(`Expected "${value}" but found ${describe(t)}.`);
  }

  private guard(depth: number): void {
    if (depth > FORMULA_LIMITS.maxDepth) throw new FormulaError(`The formula nests deeper than ${FORMULA_LIMITS.maxDepth} levels.`);
  }

  private expression(depth: number): FormulaNode {
    this.guard(depth);
    let left = this.term(depth);
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { value: '+' | '-' }).value;
      left = { type: 'binary', op, left, right: this.term(depth) };
    }
    return left;
  }

  private term(depth: number): FormulaNode {
    this.guard(depth);
    let left = this.unary(depth);
    while (this.isOp('*') || this.isOp('/')) {
      const op = (this.next() as { value: '*' | '/' }).value;
      left = { type: 'binary', op, left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): FormulaNode {
    this.guard(depth);
    if (this.isOp('-')) {
      this.next();
      return { type: 'negate', operand: this.unary(depth + 1) };
    }
    if (this.isOp('+')) {
      this.next();
      return this.unary(depth + 1);
    }
    return this.primary(depth);
  }

  private primary(depth: number): FormulaNode {
    this.guard(depth);
    const t = this.next();
    if (t.kind === 'number') return { type: 'number', value: t.value };
    if (t.kind === 'op' && t.value === '(') {
      const inner = this.expression(depth + 1);
      this.expect(')');
      return inner;
    }
    if (t.kind === 'name') {
      if (!this.isOp('(')) return { type: 'name', name: t.value };
      const fn = t.value as FormulaFunction;
      if (!FORMULA_FUNCTIONS.includes(fn)) {
        throw new FormulaError(`Unknown function "${t.value}" at position ${t.pos + 1}; use min, max, avg, abs or round.`);
      }
      this.next();
      const args: FormulaNode[] = [this.expression(depth + 1)];
      while (this.isOp(',')) {
        this.next();
        args.push(this.expression(depth + 1));
      }
      this.expect(')');
      if ((fn === 'abs' || fn === 'round') && args.length !== 1) {
        throw new FormulaError(`${fn}() takes one value, got ${args.length} at position ${t.pos + 1}.`);
      }
      return { type: 'call', fn, args };
    }
    throw new FormulaError(`Expected a number, a name or "(" but found ${describe(t)}.`);
  }
}

/** Parses a formula; throws FormulaError with a readable message. */
export function parseFormula(text: string): FormulaNode {
  if (text.trim() === '') throw new FormulaError('The formula is empty.');
  return new Parser(tokenize(text)).parse();
}

/** Every argument name the formula refers to, in order of first use. */
export function formulaNames(node: FormulaNode, out: string[] = []): string[] {
  switch (node.type) {
    case 'name':
      if (!out.includes(node.name)) out.push(node.name);
      break;
    case 'negate':
      formulaNames(node.operand, out);
      break;
    case 'binary':
      formulaNames(node.left, out);
      formulaNames(node.right, out);
      break;
    case 'call':
      for (const a of node.args) formulaNames(a, out);
      break;
    case 'number':
      break;
  }
  return out;
}

/** A number, or the reason there is none (division by zero, overflow, missing argument). */
export type Outcome = { ok: true; value: number } | { ok: false; reason: string };

class NoValue extends Error {}

function finite(v: number, what: string): number {
  if (!Number.isFinite(v)) throw new NoValue(`${what} gave ${String(v)}`);
  return v;
}

function evalNode(node: FormulaNode, values: ReadonlyMap<string, number>): number {
  switch (node.type) {
    case 'number':
      return node.value;
    case 'name': {
      const v = values.get(node.name);
      if (v === undefined) throw new NoValue(`argument "${node.name}" has no value`);
      return v;
    }
    case 'negate':
      return -evalNode(node.operand, values);
    case 'binary': {
      const a = evalNode(node.left, values);
      const b = evalNode(node.right, values);
      if (node.op === '/' && b === 0) throw new NoValue('division by zero');
      const r = node.op === '+' ? a + b : node.op === '-' ? a - b : node.op === '*' ? a * b : a / b;
      return finite(r, `"${node.op}"`);
    }
    case 'call': {
      const xs = node.args.map((a) => evalNode(a, values));
      switch (node.fn) {
        case 'min':
          return Math.min(...xs);
        case 'max':
          return Math.max(...xs);
        case 'avg':
          return finite(xs.reduce((s, x) => s + x, 0) / xs.length, 'avg()');
        case 'abs':
          return Math.abs(xs[0]!);
        case 'round':
          return Math.round(xs[0]!);
      }
    }
  }
}

/** Evaluates a parsed formula; never returns Infinity or NaN. */
export function evaluateFormula(node: FormulaNode, values: ReadonlyMap<string, number>): Outcome {
  try {
    return { ok: true, value: finite(evalNode(node, values), 'the formula') };
  } catch (err) {
    if (err instanceof NoValue) return { ok: false, reason: err.message };
    throw err;
  }
}
