import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../e2e/support/app';

/** A `voluntree serve` or `voluntree worker` child that a fault test may kill and start again. */
export class VoluntreeProcess {
  private child: ChildProcess | null = null;
  private log = '';

  constructor(
    private readonly command: 'serve' | 'worker',
    private env: Record<string, string>,
  ) {}

  /** Changes the environment for the next start (e.g. keep the port the first start chose). */
  setEnv(extra: Record<string, string>): void {
    this.env = { ...this.env, ...extra };
  }

  output(): string {
    return this.log;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/voluntree.js'), this.command], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString()).slice(-40_000);
    };
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    this.child = child;
  }

  /** Sends a signal and waits for the process to end. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running()) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The address a `serve` process printed (it was started with VOLUNTREE_PORT=0). */
export async function printedUrlOf(proc: VoluntreeProcess, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /Open:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(proc.output());
    if (m) return m[1]!;
    if (!proc.running()) throw new Error(`voluntree exited before it was ready:\n${proc.output()}`);
    await sleep(100);
  }
  throw new Error(`voluntree printed no address within ${timeoutMs} ms:\n${proc.output()}`);
}

/** Waits until `GET /healthz` answers 200. */
export async function waitHealthy(url: string, proc: VoluntreeProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running()) throw new Error(`voluntree exited before it was ready:\n${proc.output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`voluntree was not ready within ${timeoutMs} ms:\n${proc.output()}`);
}

/** The supervised Redis's address, for workers that share it. */
export function redisUrlOf(dataDir: string): string {
  const creds = JSON.parse(readFileSync(path.join(dataDir, 'redis', 'credentials.json'), 'utf8')) as { port: number; password: string };
  return `redis://:${creds.password}@127.0.0.1:${creds.port}`;
}

/**
 * The pid of the app's supervised redis-server. Redis rewrites its process title to
 * `redis-server 127.0.0.1:<port>`, so it is found by the port saved in the data folder.
 */
export function redisPidOf(dataDir: string): number | null {
  const { port } = JSON.parse(readFileSync(path.join(dataDir, 'redis', 'credentials.json'), 'utf8')) as { port: number };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes('redis-server') && cmd.includes(`127.0.0.1:${port}`)) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return null;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
