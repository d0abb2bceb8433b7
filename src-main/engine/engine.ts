import type { DemoFactory } from './demo-port';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { HealthReport } from '../contract';
import { systemClock, type Clock } from './clock';
import { configFromEnv, type EngineConfig } from './config';
import { Gears } from './gears/loader';
import { startHttpServer } from './http/server';
import type { FastifyInstance } from 'fastify';
import { preparedGears } from './gears/libraries';
import { createKeys, DEFAULT_PREFIX, type Keys } from './keys';
import { LiveBus } from './live';
import { createLogger, withSecrets, type Logger } from './log';
import type { CallContext, EngineContext, EngineModule, EngineRole, Handlers } from './module';
import { buildModules, type BuiltModules } from './modules';
import { QueueFactory } from './queues/factory';
import { createClient, parseRedisUrl, type RedisEndpoint } from './redis/endpoint';
import { findRedisServer } from './redis/find-binary';
import { RedisSupervisor } from './redis/supervisor';
import { RpcDispatcher } from './rpc';
import { FileSecretStore, type SecretStore } from './settings/secret-store';
import { defaultSettings, SettingsService } from './settings/settings-module';
import { Store } from './store/store';
import { newestGoodCopy } from './data/backup';
import { CLASSIFIER_GROUP } from './pipeline/stages/classify';
import { PREPROCESS_GROUP } from './pipeline/stages/preprocess';
import { RECORDER_GROUP } from './pipeline/stages/record';
import { livePresences, Presence } from './presence';
import { closeServer } from './http/close';

export interface EngineOptions {
  /** Defaults to the environment (configFromEnv(process.env)). */
  config?: EngineConfig;
  role?: EngineRole;
  log?: Logger;
  clock?: Clock;
  /** Key prefix (tests use a unique one). */
  prefix?: string;
  /** Secrets storage; the desktop app passes a safeStorage-sealed one. */
  secrets?: SecretStore;
  /** Extra or replacement modules, for tests. */
  extraModules?: (ctx: EngineContext) => EngineModule[];
  /** Serve the local HTTP surface (app role). Default true. */
  http?: boolean;
  /** Demo mode's simulator, handed in (see demo-port.ts); without it the engine runs live only. */
  demo?: DemoFactory;
}

/**
 * The engine: everything but the window. Plain Node, no Electron. Starts Redis (or connects
 * to REDIS_URL), loads the gears, opens the store, then starts every module in order; stops
 * in reverse: workers and servers first, then queues, connections, and Redis last.
 */
export class Engine {
  readonly config: EngineConfig;
  readonly role: EngineRole;
  readonly log: Logger;
  readonly clock: Clock;
  readonly keys: Keys;
  private supervisor: RedisSupervisor | null = null;
  private endpoint: RedisEndpoint | null = null;
  private redis: Redis | null = null;
  private subscriber: Redis | null = null;
  private queues: QueueFactory | null = null;
  private store: Store | null = null;
  private presence: Presence | null = null;
  private modules: EngineModule[] = [];
  private started: EngineModule[] = [];
  private dispatcher: RpcDispatcher | null = null;
  private liveBus: LiveBus | null = null;
  private built: BuiltModules | null = null;
  private readonly secretStore: SecretStore;
  private stopping: Promise<void> | null = null;
  private http: FastifyInstance | null = null;
  /** The API token for /api/* (from VOLUNTREE_TOKEN or made at start). */
  readonly token: string;
  /** Where the local HTTP surface listens, once started. */
  httpUrl: string | null = null;
  settings: SettingsService | null = null;
  ctx: EngineContext | null = null;

  constructor(private readonly opts: EngineOptions = {}) {
    this.config = opts.config ?? configFromEnv(process.env);
    this.role = opts.role ?? 'app';
    this.clock = opts.clock ?? systemClock;
    this.keys = createKeys(opts.prefix ?? DEFAULT_PREFIX);
    mkdirSync(this.config.dataDir, { recursive: true, mode: 0o700 });
    this.secretStore = opts.secrets ?? new FileSecretStore(this.config.dataDir);
    this.token = this.config.token ?? randomBytes(24).toString('base64url');
    const secretValues = (): string[] => [
      ...(this.settings?.secretValues() ?? []),
      ...(this.endpoint?.password ? [this.endpoint.password] : []),
      ...(this.config.workerKey ? [this.config.workerKey] : []),
      this.token,
    ];
    this.log = opts.log ? withSecrets(opts.log, secretValues) : createLogger({ secrets: secretValues });
  }

  get live(): LiveBus {
    if (!this.liveBus) throw new Error('engine not started');
    return this.liveBus;
  }

  get redisEndpoint(): RedisEndpoint | null {
    return this.endpoint;
  }

  get supervisedRedis(): RedisSupervisor | null {
    return this.supervisor;
  }

  get services(): BuiltModules | null {
    return this.built;
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    this.endpoint = await this.startRedis();
    this.redis = createClient(this.endpoint, 'command', 'vt-command');
    this.redis.on('error', (err) => this.log.debug('redis client error', { err: err.message }));
    this.subscriber = this.role === 'app' ? createClient(this.endpoint, 'subscriber', 'vt-live') : null;
    this.subscriber?.on('error', (err) => this.log.debug('redis subscriber error', { err: err.message }));
    await this.checkRedisVersion(this.redis);

    const gears = new Gears(this.redis, preparedGears());
    await gears.load();
    this.queues = new QueueFactory(this.endpoint, this.keys.bullPrefix, this.log);
    this.liveBus = new LiveBus(this.redis, this.subscriber, this.keys.liveChannel, this.clock, this.log);
    await this.liveBus.start();
    if (this.role === 'app') {
      const backups = path.join(this.config.dataDir, 'backups');
      this.store = new Store(path.join(this.config.dataDir, 'data'), this.log, (file) => newestGoodCopy(backups, file));
    }

    const settingsCollection = this.store ? await this.store.collection('settings', defaultSettings) : null;
    this.settings = new SettingsService(this.config, settingsCollection, this.secretStore);

    this.ctx = {
      role: this.role,
      log: this.log,
      clock: this.clock,
      keys: this.keys,
      redis: this.redis,
      redisEndpoint: this.endpoint,
      gears,
      store: this.store,
      live: this.liveBus,
      queues: this.queues,
      dataDir: this.config.dataDir,
    };
    this.built = await buildModules(this.ctx, { config: this.config, settings: this.settings, httpUrl: () => this.httpUrl, demo: this.opts.demo });
    this.modules = [...this.built.modules, ...(this.opts.extraModules?.(this.ctx) ?? [])];
    const handlers: Partial<Handlers> = {
      'system.health': async () => this.health(),
    };
    for (const m of this.modules) Object.assign(handlers, m.handlers ?? {});
    this.dispatcher = new RpcDispatcher(handlers, this.log);

    for (const m of this.modules) {
      await m.start?.();
      this.started.push(m);
    }
    const built = this.built;
    this.presence = new Presence(this.redis, this.keys, this.role, this.clock, this.log, () => built.sendsGraph(), () => built.graphProblem());
    await this.presence.start();
    if (this.role === 'app' && this.opts.http !== false) {
      const server = await startHttpServer({
        host: this.config.host,
        port: this.config.port,
        token: this.token,
        rendererDir: this.config.rendererDir,
        log: this.log.child({ part: 'http' }),
        call: (name, args, c) => this.call(name, args, c),
        health: () => this.health(),
        onLive: (l) => this.live.on(l),
        modules: this.modules,
      });
      this.http = server.app;
      this.httpUrl = server.url;
    }
    this.log.info('engine ready', { role: this.role, ms: Date.now() - t0 });
  }

  private async startRedis(): Promise<RedisEndpoint> {
    if (this.config.redisUrl) return parseRedisUrl(this.config.redisUrl);
    const binary = findRedisServer({
      explicit: this.config.redisServer,
      bundledDir: this.config.bundledRedisDir,
      pathEnv: process.env.PATH ?? '',
    });
    this.supervisor = new RedisSupervisor({ binary, dir: path.join(this.config.dataDir, 'redis'), log: this.log.child({ part: 'redis' }) });
    this.supervisor.on('down', () => void this.liveBus?.publish('system.notice', { level: 'warning', message: 'Redis stopped; restarting it.' }).catch(() => undefined));
    this.supervisor.on('gave-up', (err: Error) => this.log.error(err.message));
    this.supervisor.on('up', () => {
      if (this.supervisor && this.supervisor.status().restarts > 0) {
        void this.liveBus?.publish('system.notice', { level: 'info', message: 'Redis is back; queued work continues.' }).catch(() => undefined);
      }
    });
    return this.supervisor.start();
  }

  private async checkRedisVersion(redis: Redis): Promise<void> {
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '0';
    const major = Number(version.split('.')[0]);
    if (major < 7) {
      throw new Error(`Voluntree needs Redis 7 or newer (Redis Functions); the Redis at hand is ${version}.`);
    }
  }

  /** Runs a contract request (validated). Throws RpcError for anything the caller should see. */
  async call(name: string, args: unknown, call: CallContext = { via: 'internal' }): Promise<unknown> {
    if (!this.dispatcher) throw new Error('engine not started');
    return this.dispatcher.call(name, args, call);
  }

  /** Contract methods no module handles in this role. */
  missingHandlers(): string[] {
    return this.dispatcher?.missing() ?? [];
  }

  async health(): Promise<HealthReport> {
    const sup = this.supervisor?.status();
    let up = false;
    try {
      up = this.redis !== null && this.redis.status === 'ready' && (await withTimeout(this.redis.ping(), 1000)) === 'PONG';
    } catch {
      up = false;
    }
    const report: HealthReport = {
      ok: up,
      redis: {
        up,
        mode: this.supervisor ? 'supervised' : 'external',
        restarts: sup?.restarts ?? 0,
        ...(sup?.version ? { version: sup.version } : {}),
      },
      model: { version: null },
      queues: {},
      streams: {},
      facebook: { mode: this.settings?.demoMode() === false ? 'live' : 'demo' },
      problems: this.store
        ? this.store.problems.map((p) =>
            p.restoredFrom
              ? `A damaged data file (${path.basename(p.file)}) was set aside as ${p.setAsideAs} and restored from the backup of ${p.restoredFrom.createdAt}; what came after it was rebuilt from the other files where possible.`
              : `A damaged data file was set aside: ${p.setAsideAs} (${p.reason}). No backup had a good copy, so it starts empty.`,
          )
        : [],
    };
    if (!up) {
      report.problems.push(sup?.gaveUp ?? 'Redis is not answering. If it does not come back within a minute, restart Voluntree.');
      return report;
    }
    // The Redis reads that do not depend on each other go out together: each round trip waits for a
    // turn of the event loop, so during heavy work (a 10 MB import) a chain of them, one after the
    // other, is what made /healthz slow, not Redis.
    const processes = withTimeout(this.processes(), 1000).catch(() => undefined);
    const counts = await Promise.all(
      [...(this.queues?.all() ?? [])].map(async ([name, q]) => {
        try {
          return [name, await withTimeout(q.getJobCounts('waiting', 'active', 'delayed', 'failed'), 1000)] as const;
        } catch {
          return null; // A queue that cannot be counted right now is left out of this report.
        }
      }),
    );
    for (const entry of counts) {
      if (!entry) continue;
      const [name, c] = entry;
      report.queues[name] = { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
    }
    // Modules stay one after the other so their problems always come in the same order.
    for (const m of this.modules) {
      try {
        await m.health?.(report);
      } catch (err) {
        report.problems.push(`${m.name}: ${(err as Error).message}`);
      }
    }
    report.processes = await processes;
    if (report.processes === undefined) delete report.processes;
    for (const p of report.processes ?? []) {
      if (p.graphProblem) report.problems.push(`Worker ${p.host}:${p.pid} takes no replies or updates: ${p.graphProblem}.`);
    }
    report.ok = report.redis.up && report.problems.length === 0;
    return report;
  }

  /** The live processes, each with the stream entries its consumers hold right now. */
  private async processes(): Promise<NonNullable<HealthReport['processes']>> {
    const redis = this.redis!;
    const now = this.clock.now();
    const live = await livePresences(redis, this.keys);
    const pending = new Map<string, Record<string, number>>();
    const groups: Array<[string, string]> = [
      [this.keys.streamIngest, PREPROCESS_GROUP], [this.keys.streamComments, CLASSIFIER_GROUP], [this.keys.streamIntents, RECORDER_GROUP],
    ];
    const perGroup = await Promise.all(groups.map(([stream, group]) => redis.xinfo('CONSUMERS', stream, group).catch(() => []) as Promise<unknown[][]>));
    for (const [i, [, group]] of groups.entries()) {
      for (const row of perGroup[i]!) {
        const f: Record<string, unknown> = {};
        for (let i = 0; i + 1 < row.length; i += 2) f[String(row[i])] = row[i + 1];
        const n = Number(f.pending ?? 0);
        // Consumer names are `<group>:<host>:<pid>:<random>` (streams/consumer.ts uniqueConsumerName).
        const [, host, pid] = String(f.name).split(':');
        const owner = live.find((p) => p.host === host && String(p.pid) === pid);
        if (!owner || n === 0) continue;
        const mine = pending.get(owner.id) ?? {};
        mine[group] = (mine[group] ?? 0) + n;
        pending.set(owner.id, mine);
      }
    }
    return live.map((p) => ({ id: p.id, role: p.role, host: p.host, pid: p.pid, lastBeatMsAgo: Math.max(0, now - p.beatAt), sendsGraph: p.sendsGraph, ...(p.graphProblem ? { graphProblem: p.graphProblem } : {}), pending: pending.get(p.id) ?? {} }));
  }

  /** Stops everything in order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    // Redis going away from here on is part of the stop, not a crash to restart.
    this.supervisor?.holdRestarts();
    if (this.http) await closeServer(this.http).catch(() => undefined);
    await this.presence?.stop();
    for (const m of [...this.started].reverse()) {
      try {
        this.log.debug('stopping module', { module: m.name });
        // A module waiting on a Redis that is gone would hold shutdown forever; its workers
        // are force-closed by the queue factory below, and their jobs are taken up later.
        const outcome = await withTimeout(Promise.resolve(m.stop?.()).then(() => 'stopped' as const), MODULE_STOP_GRACE_MS).catch(
          (err: Error) => (err.message === 'timeout' ? ('timeout' as const) : Promise.reject(err)),
        );
        if (outcome === 'timeout') this.log.warn('module did not stop in time; moving on', { module: m.name, ms: MODULE_STOP_GRACE_MS });
      } catch (err) {
        this.log.warn('module did not stop cleanly', { module: m.name, err });
      }
    }
    this.started = [];
    this.log.debug('closing queues');
    await this.queues?.closeAll();
    this.log.debug('queues closed');
    await this.liveBus?.stop();
    await this.store?.flush().catch((err: Error) => this.log.error('could not write data on shutdown', { err: err.message }));
    await this.subscriber?.quit().catch(() => undefined);
    await this.redis?.quit().catch(() => undefined);
    await this.supervisor?.stop();
    this.log.info('engine stopped');
  }
}

/** How long one module may take to stop before shutdown moves on without it. */
const MODULE_STOP_GRACE_MS = 10_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Creates an engine (not started). */
export function createEngine(opts: EngineOptions = {}): Engine {
  return new Engine(opts);
}
