import path from 'node:path';
import { configFromEnv, type EngineConfig } from '../engine/config';

/** Where the desktop app finds things (from Electron's `app` and `process`). */
export interface DesktopPlaces {
  env: NodeJS.ProcessEnv;
  /** `app.getPath('userData')`: the platform's per-user data folder. */
  userData: string;
  /** `process.resourcesPath`: the packaged app's resources folder. */
  resourcesPath: string;
  /** `app.getAppPath()`: the project folder when run from source. */
  appPath: string;
  packaged: boolean;
  platform: NodeJS.Platform;
  exists: (file: string) => boolean;
}

/**
 * The folder holding the bundled `redis-server`: `<resources>/redis` when packaged,
 * `resources/redis` in the project when run from source after `scripts/bundle-redis.mjs`.
 * Null when there is none, so the supervisor goes on to PATH (`VOLUNTREE_REDIS_SERVER` is
 * checked before either).
 */
export function bundledRedisDir(p: DesktopPlaces): string | null {
  const dir = p.packaged ? path.join(p.resourcesPath, 'redis') : path.join(p.appPath, 'resources', 'redis');
  return p.exists(path.join(dir, p.platform === 'win32' ? 'redis-server.exe' : 'redis-server')) ? dir : null;
}

/**
 * The engine's configuration in the desktop app: the environment as everywhere (so
 * `VOLUNTREE_DATA_DIR`, `REDIS_URL`… still override), with the data in the user-data folder
 * and the bundled Redis and model from the app's resources.
 */
export function desktopEngineConfig(p: DesktopPlaces): EngineConfig {
  return configFromEnv(p.env, {
    dataDir: p.userData,
    bundledRedisDir: bundledRedisDir(p),
    modelDir: p.packaged ? path.join(p.resourcesPath, 'model') : path.join(p.appPath, 'model', 'artifact'),
    rendererDir: null,
  });
}
