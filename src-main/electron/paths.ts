import path from 'node:path';

export interface RedisLookup {
  /** `process.resourcesPath` (the packaged app's resources folder). */
  resourcesPath: string;
  /** `app.getAppPath()` (the project folder when run from source). */
  appPath: string;
  packaged: boolean;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
}

/**
 * The `redis-server` shipped with the app: `<resources>/redis/redis-server` when packaged,
 * `resources/redis/redis-server` in the project when run from source after
 * `scripts/bundle-redis.mjs`. Undefined when there is none, so the engine's supervisor goes
 * on to `PATH` (it checks `VOLUNTREE_REDIS_SERVER` first either way).
 */
export function bundledRedisServer(where: RedisLookup): string | undefined {
  const name = where.platform === 'win32' ? 'redis-server.exe' : 'redis-server';
  const file = where.packaged ? path.join(where.resourcesPath, 'redis', name) : path.join(where.appPath, 'resources', 'redis', name);
  return where.exists(file) ? file : undefined;
}
