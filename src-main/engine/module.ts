import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { HealthReport } from '../contract/system';
import type { ParsedArgs, RequestName, RequestResult } from '../contract';
import type { Clock } from './clock';
import type { Gears } from './gears/loader';
import type { Keys } from './keys';
import type { LiveBus } from './live';
import type { Logger } from './log';
import type { QueueFactory } from './queues/factory';
import type { RedisEndpoint } from './redis/endpoint';
import type { Store } from './store/store';

/** Who is calling a handler: the desktop window, a browser tab, or a test. */
export interface CallContext {
  via: 'ipc' | 'http' | 'internal';
}

export type Handler<N extends RequestName> = (args: ParsedArgs<N>, call: CallContext) => Promise<RequestResult<N>>;
export type Handlers = { [N in RequestName]: Handler<N> };

/**
 * `app` runs everything; `worker` runs only the horizontally scalable workers (preprocess,
 * gear, reply, notify, email) against a shared Redis. The db-write consumer, the HTTP server
 * and the tunnel stay with the app that owns the lowdb files.
 */
export type EngineRole = 'app' | 'worker';

/** What every engine module is given. Everything is passed in; nothing is a module singleton. */
export interface EngineContext {
  role: EngineRole;
  log: Logger;
  clock: Clock;
  keys: Keys;
  /** The shared command client. Never use it for blocking reads; make a dedicated client. */
  redis: Redis;
  /** Where Redis is, for dedicated clients (blocking consumers, subscribers): see createClient. */
  redisEndpoint: RedisEndpoint;
  gears: Gears;
  /** The store of record. Present only in the `app` role. */
  store: Store | null;
  live: LiveBus;
  queues: QueueFactory;
  /** Folder for app data (lowdb files, backups, Redis data when supervised). */
  dataDir: string;
}

/**
 * A part of the engine. The composition root starts modules in the order listed and stops them
 * in reverse. A module contributes RPC handlers, HTTP routes, and health details.
 */
export interface EngineModule {
  readonly name: string;
  handlers?: Partial<Handlers>;
  /** Routes on the local HTTP server (browser mode, automation). */
  registerRoutes?(app: FastifyInstance): void | Promise<void>;
  start?(): Promise<void>;
  /** Stop consuming, finish the work in hand, close own connections. */
  stop?(): Promise<void>;
  /** Adds this module's part to the health report (and `problems` when something is wrong). */
  health?(report: HealthReport): Promise<void> | void;
}
