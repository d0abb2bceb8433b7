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
  /** Restart backoff: first delay and cap. */
  backoffMs?: { first: number; max: number };
}

export interface SupervisorStatus {
  up: boolean;
  pid: number | null;
  port: number | null;
  restarts: number;
  version: string | null;
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
 * Events: `up` (after each successful start), `down` (unexpected exit), `gave-up`.
 * An unexpected exit is restarted with exponential backoff, on the same port and password so
 * every client reconnects by itself.
 */
export class RedisSupervisor extends EventEmitter {
  private child: ChildProcess | null = null;
  private stopping = false;
  private restarts = 0;
  private version: string | null = null;
  private creds: Persisted | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private upSince = 0;

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
    };
  }

  /** Starts Redis and resolves when it answers PING; rejects with a readable error otherwise. */
  async start(): Promise<RedisEndpoint> {
    mkdirSync(this.opts.dir, { recursive: true, mode: 0o700 });
    this.creds = await this.credentials();
    await this.spawnAndWait();
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
    const child = spawn(this.opts.binary, [confFile], { stdio: ['ignore', 'ignore', 'pipe'], env });
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
    child.once('exit', (code, signal) => this.onExit(code, signal));
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

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = null;
    this.upSince = 0;
    if (this.stopping) return;
    this.opts.log.warn('redis-server stopped unexpectedly; restarting', { code, signal });
    this.emit('down');
    this.scheduleRestart(0);
  }

  private scheduleRestart(attempt: number): void {
    const { first, max } = this.opts.backoffMs ?? { first: 200, max: 10_000 };
    const delay = Math.min(first * 2 ** attempt, max);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restarts += 1;
      this.spawnAndWait().catch((err: Error) => {
        this.opts.log.error('redis-server restart failed', { attempt: attempt + 1, err: err.message });
        if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
        this.child = null;
        if (attempt >= 20) this.emit('gave-up', err);
        else this.scheduleRestart(attempt + 1);
      });
    }, delay);
  }

  /** Stops Redis: SHUTDOWN (the AOF is flushed), SIGKILL if it does not go within 5 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
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
