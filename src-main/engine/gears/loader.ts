import { GEAR_LIBRARY, type GearArgs, type GearFunction, type GearKeys, type GearResult } from './functions';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** One `gears/*.lua` library as shipped: its Redis library name and raw source. */
export interface GearSource {
  /** The library name from the `#!lua name=` header. */
  name: string;
  source: string;
}

export interface PreparedGear {
  name: string;
  version: string;
  code: string;
}

const INCLUDE = /^--@include\s+(\S+)\s*$/gm;

/**
 * Resolves `--@include file.lua` lines from the includes map and stamps the version: a hash of
 * the resolved source, so any change to a library (or to an include it uses) changes it.
 */
export function prepareGear(gear: GearSource, includes: Record<string, string>): PreparedGear {
  const header = /^#!lua name=(\S+)/.exec(gear.source);
  if (!header || header[1] !== gear.name) {
    throw new Error(`gear ${gear.name}: first line must be "#!lua name=${gear.name}"`);
  }
  const resolved = gear.source.replace(INCLUDE, (_line, file: string) => {
    const text = includes[file];
    if (text === undefined) throw new Error(`gear ${gear.name}: unknown include ${file}`);
    return text;
  });
  const version = createHash('sha1').update(resolved).digest('hex').slice(0, 12);
  return { name: gear.name, version, code: resolved.replaceAll('__GEAR_VERSION__', version) };
}

/** Raised when Redis holds another build's library (another worker loaded different code). */
export class GearVersionError extends Error {
  override name = 'GearVersionError';
}

/**
 * The loaded gear libraries and a typed way to call their functions. Every call passes the
 * library version as ARGV[1]; the Lua side refuses a mismatch (see gears/includes/version.lua).
 */
export class Gears {
  private readonly versions = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly prepared: PreparedGear[],
  ) {
    for (const p of prepared) this.versions.set(p.name, p.version);
  }

  /** Loads (or replaces) every library. Call at start and after Redis lost its functions. */
  async load(): Promise<void> {
    for (const p of this.prepared) {
      await this.redis.call('FUNCTION', 'LOAD', 'REPLACE', p.code);
    }
  }

  version(library: string): string {
    const v = this.versions.get(library);
    if (!v) throw new Error(`unknown gear library ${library}`);
    return v;
  }

  /** The FCALL argument list, for use in a pipeline: `pipeline.call(...gears.args(...))`. */
  args<F extends GearFunction>(fn: F, keys: GearKeys<F>, args: GearArgs): [string, ...(string | number)[]] {
    return ['FCALL', fn, keys.length, ...(keys as readonly string[]), this.version(GEAR_LIBRARY[fn]), ...args];
  }

  /**
   * Calls a function of the table (gears/functions.ts). When Redis lost its functions (an
   * external Redis was flushed), reloads once and retries; a version mismatch becomes a
   * GearVersionError with a readable message.
   */
  async call<F extends GearFunction>(fn: F, keys: GearKeys<F>, args: GearArgs): Promise<GearResult<F>> {
    type T = GearResult<F>;
    const library = GEAR_LIBRARY[fn];
    const [cmd, ...rest] = this.args(fn, keys, args);
    try {
      return (await this.redis.call(cmd, ...rest)) as T;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/Function not found/i.test(message)) {
        await this.load();
        return (await this.redis.call(cmd, ...rest)) as T;
      }
      if (message.includes('VT_GEAR_VERSION')) {
        throw new GearVersionError(
          `Redis holds a different build of gear library "${library}" (${message}). ` +
            'Another Voluntree process with other code shares this Redis; run the same version everywhere.',
        );
      }
      throw err;
    }
  }
}
