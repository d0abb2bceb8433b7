import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../log';
import type { RedisEndpoint } from './endpoint';

export interface SupervisorOptions {
  /** The redis-server binary (see findRedisServer). */
  binary: string;
  /** Redis keeps its AOF and config here (a folder under the app's data folder). */
  dir: string;
  log: Logger;
  /** How long to wait for PING after a start. */
  readyTimeoutMs?: number;
  /** Restart backoff: the delay before the first restart after a failure, doubled per consecutive failure up to `max`. */
  backoffMs?: { first: number; max: number };
  /** A start that stays up this long ends a run of failures: the next crash restarts after `first` again. */
  stableMs?: number;
  /** Consecutive failures (crashes soon after a start, or failed starts) after which the supervisor gives up. */
  maxFailures?: number;
}

const DEFAULT_BACKOFF = { first: 200, max: 10_000 };
const DEFAULT_STABLE_MS = 30_000;
const DEFAULT_MAX_FAILURES = 8;

export interface SupervisorStatus {
  up: boolean;
  pid: number | null;
  port: number | null;
  restarts: number;
  version: string | null;
  /** Why the supervisor stopped restarting Redis; null while it still does. */
  gaveUp: string | null;
}

/** A free TCP port on 127.0.0.1 chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

interface Persisted {
  port: number;
  password: string;
}

/**
 * Runs the app's own `redis-server`: 127.0.0.1 only, a random password, AOF on (queued work
 * survives a crash: Redis writes the AOF before it answers, so a killed process loses nothing
 * it acknowledged), `noeviction` (BullMQ must never lose keys to eviction), data in `dir`.
 *
 * Events: `up` (after each successful start), `down` (unexpected exit), `gave-up` (Error).
 * An unexpected exit is restarted on the same port and password so every client reconnects by
 * itself. Consecutive failures (a crash before the server was up `stableMs`, or a restart that
 * did not come up) back off exponentially, and after `maxFailures` of them the supervisor gives
 * up: a Redis that dies at every start (a damaged AOF, a full disk) is reported, not looped on.
 *
 * redis-server runs in its own process group, so a terminal's Ctrl-C (sent to the whole
 * foreground group) reaches only the app, which then stops Redis in order; the supervisor
 * also kills it when the app's process exits without stopping it.
 */
export class RedisSupervisor extends EventEmitter {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private version: string | null = null;
  private creds: Persisted | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private upSince = 0;
  /** Consecutive failures since the last stable start. */
  private failures = 0;
  private gaveUp: string | null = null;
  /** Ends a redis-server the app leaves behind when its process exits without stop(). */
  private readonly killOnExit = (): void => {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
  };

  constructor(private readonly opts: SupervisorOptions) {
    super();
  }

  status(): SupervisorStatus {
    return {
      up: this.child !== null && this.child.exitCode === null && this.upSince > 0,
      pid: this.child?.pid ?? null,
      port: this.creds?.port ?? null,
      restarts: this.restarts,
      version: this.version,
      gaveUp: this.gaveUp,
    };
  }

  /** Starts Redis and resolves when it answers PING; rejects with a readable error otherwise. */
  async start(): Promise<RedisEndpoint> {
    mkdirSync(this.opts.dir, { recursive: true, mode: 0o700 });
    this.creds = await this.credentials();
    process.on('exit', this.killOnExit);
    try {
      await this.spawnAndWait();
    } catch (err) {
      // A server that never answered must not outlive the failed start.
      if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
      this.child = null;
      process.off('exit', this.killOnExit);
      throw err;
    }
    return this.endpoint();
  }

  endpoint(): RedisEndpoint {
    if (!this.creds) throw new Error('Redis supervisor not started');
    return { host: '127.0.0.1', port: this.creds.port, password: this.creds.password };
  }

  /** Keeps the password across restarts of the app so AOF data and clients stay valid. */
  private async credentials(): Promise<Persisted> {
    const file = path.join(this.opts.dir, 'credentials.json');
    let password = randomBytes(24).toString('hex');
    let port = 0;
    if (existsSync(file)) {
      try {
        const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<Persisted>;
        if (typeof saved.password === 'string' && saved.password.length >= 16) password = saved.password;
        if (typeof saved.port === 'number') port = saved.port;
      } catch {
        // A damaged credentials file only costs a new password.
      }
    }
    if (port && !(await portIsFree(port))) {
      // After a crash of the app (SIGKILL, power cut of the parent) its redis-server may still
      // run on the saved port with the saved password. Two servers on one AOF would corrupt it,
      // so shut the orphan down cleanly (it writes its AOF) and take the port back.
      if (await shutDownOrphan(port, password, this.opts.log)) {
        for (let i = 0; i < 100 && !(await portIsFree(port)); i += 1) await sleep(50);
      }
    }
    if (!port || !(await portIsFree(port))) port = await freePort();
    const creds = { port, password };
    writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
    return creds;
  }

  private writeConfig(): string {
    const c = this.creds!;
    const conf = [
      `bind 127.0.0.1`,
      `protected-mode yes`,
      `port ${c.port}`,
      `requirepass ${c.password}`,
      `dir ${JSON.stringify(this.opts.dir)}`,
      `appendonly yes`,
      `appendfilename "voluntree.aof"`,
      `appendfsync everysec`,
      `save ""`,
      `maxmemory-policy noeviction`,
      `daemonize no`,
      `logfile ""`,
      `loglevel warning`,
    ].join('\n');
    const file = path.join(this.opts.dir, 'redis.conf');
    // The config holds the password: only the user may read it.
    writeFileSync(file, `${conf}\n`, { mode: 0o600 });
    return file;
  }

  private async spawnAndWait(): Promise<void> {
    const confFile = this.writeConfig();
    const binDir = path.dirname(this.opts.binary);
    // A bundled redis-server ships its shared libraries beside it (scripts/bundle-redis.mjs).
    const libDir = path.join(binDir, 'lib');
    const env = existsSync(libDir)
      ? { ...process.env, LD_LIBRARY_PATH: [libDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') }
      : process.env;
    // detached: a process group of its own (see the class comment). The supervisor keeps its
    // handle, so the child still holds the app's event loop and is stopped by it.
    const child = spawn(this.opts.binary, [confFile], { stdio: ['ignore', 'ignore', 'pipe'], env, detached: true });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const exitedEarly = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`could not start redis-server (${this.opts.binary}): ${err.message}`)));
      child.once('exit', (code, signal) =>
        reject(new Error(`redis-server exited during start (code ${code}, signal ${signal}): ${stderr.trim().split('\n').pop() ?? ''}`)),
      );
    });
    await Promise.race([this.waitForPing(), exitedEarly]);
    this.upSince = Date.now();
    child.removeAllListeners('exit');
    child.once('exit', (code, signal) => this.onExit(code, signal, () => stderr));
    this.emit('up', this.endpoint());
    this.opts.log.info('redis-server ready', { pid: child.pid, port: this.creds!.port, version: this.version });
  }

  private async waitForPing(): Promise<void> {
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 10_000);
    let lastError = 'no answer';
    while (Date.now() < deadline) {
      const client = new Redis({
        host: '127.0.0.1',
        port: this.creds!.port,
        password: this.creds!.password,
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if ((await client.ping()) === 'PONG') {
          const info = await client.info('server');
          this.version = /redis_version:(\S+)/.exec(info)?.[1] ?? null;
          return;
        }
      } catch (err) {
        lastError = (err as Error).message;
      } finally {
        client.disconnect();
      }
      await sleep(50);
    }
    throw new Error(`redis-server did not answer PING within ${this.opts.readyTimeoutMs ?? 10_000} ms (${lastError})`);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, stderr: () => string): void {
    const upFor = this.upSince ? Date.now() - this.upSince : 0;
    this.child = null;
    this.upSince = 0;
    if (this.stopping) return;
    if (upFor >= (this.opts.stableMs ?? DEFAULT_STABLE_MS)) this.failures = 0;
    this.emit('down');
    const lastLine = stderr().trim().split('\n').pop() ?? '';
    this.recordFailure(`redis-server stopped (code ${code}, signal ${signal}) ${Math.round(upFor / 1000)} s after it started${lastLine ? `: ${lastLine}` : ''}`);
  }

  /** Counts one failure and restarts after the backoff, or gives up after too many in a row. */
  private recordFailure(reason: string): void {
    this.failures += 1;
    const maxFailures = this.opts.maxFailures ?? DEFAULT_MAX_FAILURES;
    if (this.failures > maxFailures) {
      this.gaveUp =
        `redis-server failed ${this.failures} times in a row, so Voluntree stopped restarting it (last: ${reason}). ` +
        `Its data and configuration are in ${this.opts.dir}; fix what the message says, then restart Voluntree.`;
      this.opts.log.error('redis-server keeps failing; gave up restarting it', { failures: this.failures, reason });
      process.off('exit', this.killOnExit);
      this.emit('gave-up', new Error(this.gaveUp));
      return;
    }
    const { first, max } = this.opts.backoffMs ?? DEFAULT_BACKOFF;
    const delayMs = Math.min(first * 2 ** (this.failures - 1), max);
    this.opts.log.warn('redis-server is down; restarting it', { reason, failures: this.failures, delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restarts += 1;
      this.spawnAndWait().catch((err: Error) => {
        if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
        this.child = null;
        if (!this.stopping) this.recordFailure(`restart failed: ${err.message}`);
      });
    }, delayMs);
  }

  /**
   * No restart from now on: the app is shutting down, so an exit of Redis is expected (and
   * restarting it would leave a server nobody stops). Called at the start of the engine's
   * stop, before the workers drain; stop() ends Redis afterwards.
   */
  holdRestarts(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
  }

  /** Stops Redis: SHUTDOWN (the AOF is flushed), SIGKILL if it does not go within 5 s. */
  async stop(): Promise<void> {
    this.holdRestarts();
    process.off('exit', this.killOnExit);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const client = new Redis({ host: '127.0.0.1', port: this.creds!.port, password: this.creds!.password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.call('SHUTDOWN').catch(() => undefined);
    } catch {
      child.kill('SIGTERM');
    } finally {
      client.disconnect();
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Shuts down a redis-server that answers with our password; false when it is not ours. */
async function shutDownOrphan(port: number, password: string, log: Logger): Promise<boolean> {
  const client = new Redis({ host: '127.0.0.1', port, password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return false;
    log.warn('found the redis-server of a previous run still running; shutting it down', { port });
    await client.call('SHUTDOWN').catch(() => undefined);
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
