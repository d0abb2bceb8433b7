import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GEAR_LIBRARY } from './functions';
import { GEAR_SOURCES } from './libraries';

const dir = path.resolve(import.meta.dirname, '../../../gears');

/** function name → library, as the Lua files register them. */
function registered(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.lua'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    const library = /^#!lua name=(\S+)/.exec(source)?.[1];
    expect(library, file).toBeDefined();
    for (const m of source.matchAll(/redis\.register_function\('([a-z_]+)'/g)) out[m[1]!] = library!;
  }
  return out;
}

describe('the gear function table (gears/functions.ts)', () => {
  it('names every function the Lua libraries register, with its library, and nothing else', () => {
    expect({ ...GEAR_LIBRARY }).toEqual(registered());
  });

  it('names only libraries the engine loads', () => {
    const loaded = new Set(GEAR_SOURCES.map((g) => g.name));
    for (const [fn, library] of Object.entries(GEAR_LIBRARY)) expect(loaded.has(library), fn).toBe(true);
  });
});
