import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rpcClient } from '../../support/rpc-client';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** A running `voluntree serve` with its own data folder, port and token. */
export interface RunningApp {
  url: string;
  token: string;
  dataDir: string;
  /** Everything the app printed, for failure messages. */
  output(): string;
  /** Calls the engine directly, as the UI would; for seeding data and checking results. */
  rpc<T = unknown>(method: string, args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds with electron-vite when the sources are newer than the build, so a test run always
 * drives the code under test; set VOLUNTREE_E2E_SKIP_BUILD=1 when CI has just built.
 */
export function ensureBuilt(): void {
  if (process.env.VOLUNTREE_E2E_SKIP_BUILD === '1') return;
  const outputs = [path.join(ROOT, 'out/renderer/index.html'), path.join(ROOT, 'out/main/cli.js')];
  const built = Math.min(...outputs.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
  const sources = Math.max(...['src-renderer', 'src-main', 'gears', 'bin'].map((d) => newestMtime(path.join(ROOT, d))));
  if (built > sources) return;
  const res = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (res.status !== 0) throw new Error(`electron-vite build failed:\n${res.stdout}\n${res.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The address `voluntree serve` prints once it listens ("Open:  http://127.0.0.1:PORT/#token=…"). */
export async function printedUrl(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /Open:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output());
    if (m) return m[1]!;
    if (child.exitCode !== null) throw new Error(`voluntree serve exited (${child.exitCode}) before it was ready:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`voluntree serve printed no address within ${timeoutMs} ms:\n${output()}`);
}

async function waitForHealthz(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? -1;
  });
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error(`voluntree serve exited (${exited}) before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`voluntree serve was not ready within ${timeoutMs} ms:\n${output()}`);
}

/** Starts `node bin/voluntree.js serve` in browser mode with a fresh data folder (demo mode, simulator). */
export async function startApp(opts: { env?: Record<string, string> } = {}): Promise<RunningApp> {
  ensureBuilt();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-e2e-'));
  const token = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/voluntree.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      VOLUNTREE_DATA_DIR: dataDir,
      // Port 0: the app takes a free port itself and prints it. Probing a "free" port here and
      // handing it over races with the app's own servers (the simulator could be given it first).
      VOLUNTREE_PORT: '0',
      VOLUNTREE_TOKEN: token,
      VOLUNTREE_HOST: '127.0.0.1',
      VOLUNTREE_TUNNEL: 'off',
      REDIS_URL: '',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const output = () => log;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  let url = '';
  try {
    url = await printedUrl(child, output, 60_000);
    await waitForHealthz(url, child, output, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    token,
    dataDir,
    output,
    stop,
    rpc: rpcClient(() => url, token),
  };
}
