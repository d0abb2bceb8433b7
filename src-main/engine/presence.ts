import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Clock } from './clock';
import type { Keys } from './keys';
import type { Logger } from './log';
import type { EngineRole } from './module';

/** One running Voluntree process as /healthz lists it. */
export interface ProcessPresence {
  id: string;
  role: EngineRole;
  host: string;
  pid: number;
  startedAt: number;
  /** When it last said it is alive. */
  beatAt: number;
  /** Whether it sends through the Graph API (takes reply and notify jobs). */
  sendsGraph: boolean;
  /** Why a worker cannot use the app's Page connection when the operator must act (a wrong VOLUNTREE_WORKER_KEY). */
  graphProblem?: string;
}

/** How often a process says it is alive, and how long its entry outlives a missed beat. */
export const BEAT_EVERY_MS = 5_000;
const EXPIRES_AFTER_MS = 3 * BEAT_EVERY_MS;

/**
 * Each process (the app, every `voluntree worker`) keeps one key with its role, host and pid,
 * refreshed every 5 s and expiring after 15 s, so /healthz can list the live ones: a worker
 * killed with SIGKILL drops out within 15 s without anyone cleaning up after it.
 */
export class Presence {
  readonly id: string;
  private timer: NodeJS.Timeout | null = null;
  private readonly startedAt: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly role: EngineRole,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly sendsGraph: () => boolean,
    private readonly graphProblem: () => string | null = () => null,
  ) {
    this.startedAt = clock.now();
    this.id = `${role}:${hostname()}:${process.pid}`;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().catch((err: Error) => this.log.debug('presence beat failed', { err: err.message }));
    }, BEAT_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.del(this.keys.presence(this.id)).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const problem = this.graphProblem();
    const me: ProcessPresence = {
      id: this.id, role: this.role, host: hostname(), pid: process.pid, startedAt: this.startedAt, beatAt: this.clock.now(), sendsGraph: this.sendsGraph(),
      ...(problem ? { graphProblem: problem } : {}),
    };
    await this.redis.set(this.keys.presence(this.id), JSON.stringify(me), 'PX', EXPIRES_AFTER_MS);
  }
}

/** Every live process on this Redis (any prefix-sharing app and workers), the app first. */
export async function livePresences(redis: Redis, keys: Keys): Promise<ProcessPresence[]> {
  const out: ProcessPresence[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', keys.presence('*'), 'COUNT', 200);
    cursor = next;
    if (found.length === 0) continue;
    for (const raw of await redis.mget(...found)) {
      if (!raw) continue;
      try {
        out.push(JSON.parse(raw) as ProcessPresence);
      } catch {
        // a damaged entry expires by itself
      }
    }
  } while (cursor !== '0');
  return out.sort((a, b) => (a.role === b.role ? a.id.localeCompare(b.id) : a.role === 'app' ? -1 : 1));
}
