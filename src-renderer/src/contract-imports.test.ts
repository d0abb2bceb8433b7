import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const RENDERER = path.resolve(import.meta.dirname);
const CONTRACT = path.resolve(import.meta.dirname, '../../src-main/contract');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Contract files a value import reaches (its own value imports, followed). */
function reached(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.[^']+)';/gms)) {
    reached(path.resolve(path.dirname(file), `${m[1]}.ts`), seen);
  }
  return seen;
}

/**
 * The renderer may take values (limits, checks) from the contract only from files that do not
 * bring zod along: zod tries `new Function` to speed up parsing, which the desktop window's CSP
 * reports as a violation (test/packaging/desktop-renderer.test.ts). Types are free.
 */
describe('what the renderer takes from the contract', () => {
  it('imports contract values only from zod-free files', () => {
    const problems: string[] = [];
    for (const file of sources(RENDERER)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^import (?!type )[^;]*? from '@contract(\/[^']+)?';/gms)) {
        const rel = path.relative(RENDERER, file);
        if (!m[1]) {
          problems.push(`${rel}: a value from '@contract' (the whole contract, zod included); import it from its own file`);
          continue;
        }
        for (const f of reached(path.join(CONTRACT, `${m[1].slice(1)}.ts`))) {
          if (/from 'zod'/.test(readFileSync(f, 'utf8'))) problems.push(`${rel}: '@contract${m[1]}' brings zod (${path.relative(CONTRACT, f)})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
