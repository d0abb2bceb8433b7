/**
 * Template node ids: a segment `{name}` stands for any one segment of a concrete id, so a single
 * definition such as `event:{event}:fill-rate` serves every event (`event:42:fill-rate`).
 */

const PLACEHOLDER = /^\{([a-z][a-z0-9]*)\}$/;

export type Bindings = ReadonlyMap<string, string>;

export function isTemplate(id: string): boolean {
  return id.includes('{');
}

/** The placeholder names of an id, in order. */
export function placeholders(id: string): string[] {
  const out: string[] = [];
  for (const seg of id.split(':')) {
    const m = PLACEHOLDER.exec(seg);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** Binds the placeholders of `pattern` to the segments of `concrete`, or null when it does not fit. */
export function match(pattern: string, concrete: string): Bindings | null {
  const p = pattern.split(':');
  const c = concrete.split(':');
  if (p.length !== c.length) return null;
  const b = new Map<string, string>();
  for (let i = 0; i < p.length; i += 1) {
    const m = PLACEHOLDER.exec(p[i]!);
    if (!m) {
      if (p[i] !== c[i]) return null;
      continue;
    }
    const seen = b.get(m[1]!);
    if (seen !== undefined && seen !== c[i]) return null;
    b.set(m[1]!, c[i]!);
  }
  return b;
}

/** The concrete id of `pattern` under `bindings`. */
export function instantiate(pattern: string, bindings: Bindings): string {
  return pattern
    .split(':')
    .map((seg) => {
      const m = PLACEHOLDER.exec(seg);
      return m ? (bindings.get(m[1]!) ?? seg) : seg;
    })
    .join(':');
}

/** True when some concrete id would fit both patterns (two templates must never both claim one). */
export function overlaps(a: string, b: string): boolean {
  const x = a.split(':');
  const y = b.split(':');
  if (x.length !== y.length) return false;
  return x.every((seg, i) => seg === y[i] || PLACEHOLDER.test(seg) || PLACEHOLDER.test(y[i]!));
}
