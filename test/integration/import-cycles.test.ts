import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// No import circle in the engine, the contract, the shell, the CLI, the simulator or the model
// tools (type-only imports included: a circle of types is still two files that must change
// together). Tests and test helpers are left out; they compose what they test.

const root = path.resolve(import.meta.dirname, '../..');
const IMPORT = /^(?:import|export)\s+(?:type\s+)?[^;]*?\sfrom\s+'(\.[^']+)'/gm;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'testing' || name === 'node_modules' ? [] : sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

function graphOf(files: readonly string[], read: (f: string) => string, exists: (f: string) => boolean): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) {
    const deps: string[] = [];
    for (const m of read(f).matchAll(IMPORT)) {
      const target = path.join(path.dirname(f), m[1]!);
      const hit = [`${target}.ts`, path.join(target, 'index.ts')].find(exists);
      if (hit) deps.push(hit);
    }
    g.set(f, deps);
  }
  return g;
}

/** The strongly connected components of more than one file (Tarjan), i.e. the circles. */
function circles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  let n = 0;
  const visit = (v: string): void => {
    index.set(v, n);
    low.set(v, n);
    n += 1;
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('import circles', () => {
  it('finds a planted circle (and not a chain)', () => {
    const files: Record<string, string> = {
      '/p/a.ts': "import { b } from './b';",
      '/p/b.ts': "import type { C } from './c';",
      '/p/c.ts': "export { a } from './a';",
      '/p/d.ts': "import { a } from './a';",
    };
    const g = graphOf(Object.keys(files), (f) => files[f]!, (f) => f in files);
    expect(circles(g)).toEqual([['/p/a.ts', '/p/b.ts', '/p/c.ts']]);
    delete files['/p/c.ts'];
    expect(circles(graphOf(Object.keys(files), (f) => files[f]!, (f) => f in files))).toEqual([]);
  });

  it('there are none in src-main and model', () => {
    const files = [...sources(path.join(root, 'src-main')), ...sources(path.join(root, 'model'))];
    const g = graphOf(files, (f) => readFileSync(f, 'utf8'), existsSync);
    expect([...g.values()].reduce((s, d) => s + d.length, 0)).toBeGreaterThan(500);
    expect(circles(g).map((c) => c.map((f) => path.relative(root, f)))).toEqual([]);
  });
});
