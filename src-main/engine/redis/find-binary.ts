import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Shown when no redis-server can be found: what to do, in one message. */
export class RedisBinaryNotFoundError extends Error {
  override name = 'RedisBinaryNotFoundError';
  constructor(looked: string[]) {
    super(
      'Voluntree needs redis-server (Redis 7 or newer) and could not find it.\n' +
        '  On Debian/Ubuntu: sudo apt-get install redis-server\n' +
        '  On macOS (Homebrew): brew install redis\n' +
        '  Or point VOLUNTREE_REDIS_SERVER at a redis-server binary, or REDIS_URL at a running Redis 7+ / Valkey.\n' +
        `  Looked in: ${looked.join(', ')}`,
    );
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FindRedisOptions {
  /** VOLUNTREE_REDIS_SERVER: an explicit binary. */
  explicit?: string | null;
  /** The packaged app's bundled copy (resources/redis). */
  bundledDir?: string | null;
  /** The PATH to search last. */
  pathEnv?: string;
}

const EXE = process.platform === 'win32' ? 'redis-server.exe' : 'redis-server';

/**
 * Finds `redis-server`: the explicit setting first, then the copy bundled with the packaged
 * app, then PATH. Throws RedisBinaryNotFoundError (a readable message, not a stack trace).
 */
export function findRedisServer(opts: FindRedisOptions): string {
  const looked: string[] = [];
  if (opts.explicit) {
    if (isExecutable(opts.explicit)) return opts.explicit;
    looked.push(`VOLUNTREE_REDIS_SERVER=${opts.explicit} (not an executable file)`);
  }
  if (opts.bundledDir) {
    const bundled = path.join(opts.bundledDir, EXE);
    if (isExecutable(bundled)) return bundled;
    looked.push(bundled);
  }
  for (const dir of (opts.pathEnv ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, EXE);
    if (isExecutable(candidate)) return candidate;
  }
  looked.push('PATH');
  throw new RedisBinaryNotFoundError(looked);
}
