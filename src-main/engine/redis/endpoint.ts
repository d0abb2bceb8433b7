import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: enough to open a client of any role, here or on another machine. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: boolean;
}

/** Parses `redis://[user:pass@]host:port[/db]` and `rediss://` (TLS). */
export function parseRedisUrl(url: string): RedisEndpoint {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must start with redis:// or rediss:// (got ${u.protocol})`);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: true } : {}),
  };
}

/**
 * Connection roles (see docs/architecture.md): `command` for ordinary commands, `blocking`
 * for a consumer that waits on XREADGROUP or a BullMQ worker, `subscriber` for pub/sub.
 * Blocking and subscriber clients never fail a command for lack of connection; they wait.
 */
export type ClientRole = 'command' | 'blocking' | 'subscriber';

export function clientOptions(ep: RedisEndpoint, role: ClientRole, name?: string): RedisOptions {
  return {
    host: ep.host,
    port: ep.port,
    ...(ep.username ? { username: ep.username } : {}),
    ...(ep.password ? { password: ep.password } : {}),
    ...(ep.db !== undefined ? { db: ep.db } : {}),
    ...(ep.tls ? { tls: {} } : {}),
    ...(name ? { connectionName: name } : {}),
    // Commands wait through a Redis restart (the supervisor brings it back within seconds)
    // instead of failing; blocking roles must never give up (BullMQ requires null).
    maxRetriesPerRequest: role === 'command' ? 50 : null,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    enableReadyCheck: true,
  };
}

/** Opens a client of the given role. Whoever opens it closes it (`quit`) on shutdown. */
export function createClient(ep: RedisEndpoint, role: ClientRole, name?: string): Redis {
  return new Redis(clientOptions(ep, role, name));
}

/** The plain options BullMQ accepts for its own connections. */
export function bullConnection(ep: RedisEndpoint): Record<string, unknown> {
  const { retryStrategy: _r, ...rest } = clientOptions(ep, 'blocking');
  return { ...rest, maxRetriesPerRequest: null };
}
