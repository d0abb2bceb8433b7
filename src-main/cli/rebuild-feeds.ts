import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { configFromEnv, ConfigError, type EngineConfig } from '../engine/config';
import { createEngine } from '../engine/engine';
import type { Logger } from '../engine/log';
import { clientOptions, parseRedisUrl, type RedisEndpoint } from '../engine/redis/endpoint';
import { createDemoModule } from '../simulator/demo';

/** What `feed.rebuild` answers. */
export interface RebuildResult {
  activities: number;
  follows: number;
  tookMs: number;
}

export interface RebuildOutcome extends RebuildResult {
  /** `app`: the running app rebuilt its feeds; `offline`: this command started the engine itself. */
  via: 'app' | 'offline';
}

/** The name the app's live subscriber connection gives itself (see engine.ts): an app is running. */
const APP_CONNECTION_NAME = 'vt-live';

/**
 * `voluntree rebuild-feeds`: regenerates every activity feed from the stored activities, the
 * same work as RPC `feed.rebuild`.
 *
 * The app that is running owns the data folder's files and its supervised Redis (a second
 * engine on the same folder would shut that Redis down as an orphan), so when an app answers
 * at VOLUNTREE_URL (or VOLUNTREE_HOST:VOLUNTREE_PORT) the rebuild goes through its RPC, with
 * VOLUNTREE_TOKEN. When an app holds the folder's Redis but cannot be reached, the command
 * refuses. Only when no app runs does it start the engine on the folder itself (no HTTP), run the
 * rebuild and stop.
 */
export async function rebuildFeeds(env: NodeJS.ProcessEnv, log: Logger, defaults: Partial<EngineConfig> = {}): Promise<RebuildOutcome> {
  const config = configFromEnv(env, defaults);
  const explicitUrl = env.VOLUNTREE_URL?.trim();
  const url = explicitUrl || `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  if (await answersHealth(url)) {
    if (!config.token) {
      throw new ConfigError(
        `Voluntree is running at ${url}. Set VOLUNTREE_TOKEN to its token (the part after #token= in the address it printed at start) to rebuild its feeds.`,
      );
    }
    return { ...(await rpcRebuild(url, config.token)), via: 'app' };
  }
  if (explicitUrl) throw new ConfigError(`No Voluntree answers at VOLUNTREE_URL=${explicitUrl}; check the address, or unset it to rebuild with the app stopped.`);
  const redis = redisOfDataFolder(config);
  if (redis && (await appConnected(redis))) {
    throw new ConfigError(
      `Voluntree is running on ${config.dataDir} but not at ${url}. Set VOLUNTREE_PORT (or VOLUNTREE_URL) and VOLUNTREE_TOKEN to the running app's, or stop it first.`,
    );
  }
  const engine = createEngine({ demo: createDemoModule, config, role: 'app', log, http: false });
  try {
    await engine.start();
    const r = (await engine.call('feed.rebuild', {})) as RebuildResult;
    return { ...r, via: 'offline' };
  } finally {
    await engine.stop();
  }
}

async function answersHealth(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function rpcRebuild(url: string, token: string): Promise<RebuildResult> {
  const res = await fetch(`${url}/api/rpc/feed.rebuild`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
    // A rebuild of a large history takes a while; the app finishes it even if this gives up.
    signal: AbortSignal.timeout(10 * 60_000),
  });
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | RebuildResult | null;
  if (res.status === 401) throw new ConfigError(`The running Voluntree at ${url} refused VOLUNTREE_TOKEN; use the token from the address it printed at start.`);
  if (!res.ok || !body || 'error' in body) {
    const message = body && 'error' in body ? body.error?.message : undefined;
    throw new Error(`The running Voluntree could not rebuild its feeds: ${message ?? `HTTP ${res.status}`}`);
  }
  return body as RebuildResult;
}

/** The Redis the folder's app would use: REDIS_URL, or the supervised one the folder describes. */
function redisOfDataFolder(config: EngineConfig): RedisEndpoint | null {
  if (config.redisUrl) return parseRedisUrl(config.redisUrl);
  const file = path.join(config.dataDir, 'redis', 'credentials.json');
  if (!existsSync(file)) return null;
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown; password?: unknown };
    if (typeof saved.port !== 'number' || typeof saved.password !== 'string') return null;
    return { host: '127.0.0.1', port: saved.port, password: saved.password };
  } catch {
    return null;
  }
}

/** Whether an app (its live subscriber) is connected to that Redis. Unreachable means no. */
async function appConnected(ep: RedisEndpoint): Promise<boolean> {
  const client = new Redis({ ...clientOptions(ep, 'command'), lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const list = (await client.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string;
    return list.split('\n').some((line) => new RegExp(`(^| )name=${APP_CONNECTION_NAME}( |$)`).test(line));
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
