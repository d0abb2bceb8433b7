// `voluntree serve` stopped from a terminal: the signals go to the whole foreground process
// group, as a terminal sends them, and the app must still stop in order, exit 0 and leave no
// redis-server behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBuilt, printedUrl, ROOT } from './support/app';

interface Served {
  child: ChildProcess;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
}

const running: Served[] = [];

/** The redis-servers (or anything else) working in this run's data folder: Redis chdirs to its dir. */
function processesIn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(dataDir)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}

/** Starts the app as a terminal would: a process group of its own, its leader the command. */
async function serve(command: string, args: string[]): Promise<Served> {
  ensureBuilt();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-ctrl-c-'));
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_HOST: '127.0.0.1', VOLUNTREE_TUNNEL: 'off', REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const served = { child, dataDir, output: () => log, exited };
  running.push(served);
  const url = await printedUrl(child, served.output, 60_000);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`not healthy:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return served;
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms))]);
}

afterEach(async () => {
  for (const s of running.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      try {
        process.kill(-s.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const pid of processesIn(s.dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(s.dataDir, { recursive: true, force: true });
  }
});

const node = process.execPath;
const bin = path.join(ROOT, 'bin/voluntree.js');

describe.skipIf(process.platform !== 'linux')('stopping voluntree serve from a terminal', () => {
  it('two Ctrl-C in quick succession stop it in order: exit 0, no redis-server left', async () => {
    const app = await serve(node, [bin, 'serve']);
    expect(processesIn(app.dataDir).length).toBe(1);
    process.kill(-app.child.pid!, 'SIGINT');
    await new Promise((r) => setTimeout(r, 50));
    try {
      process.kill(-app.child.pid!, 'SIGINT');
    } catch (err) {
      // ESRCH: the first Ctrl-C had already stopped the whole group; that is a clean stop too.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
    expect(await within(app.exited, 15_000, 'the stop'), app.output()).toBe(0);
    expect(app.output()).toMatch(/Stopping Voluntree \(SIGINT\)…[\s\S]*Stopped\./);
    expect(app.output()).not.toMatch(/redis-server is down|restarting it/);
    expect(processesIn(app.dataDir)).toEqual([]);
  });

  it('SIGTERM (a service manager) stops it the same way', async () => {
    const app = await serve(node, [bin, 'serve']);
    process.kill(-app.child.pid!, 'SIGTERM');
    expect(await within(app.exited, 15_000, 'the stop'), app.output()).toBe(0);
    expect(app.output()).toMatch(/Stopped\./);
    expect(processesIn(app.dataDir)).toEqual([]);
  });

  it('closing the terminal (SIGHUP) stops Redis too', async () => {
    const app = await serve(node, [bin, 'serve']);
    process.kill(-app.child.pid!, 'SIGHUP');
    expect(await within(app.exited, 15_000, 'the stop'), app.output()).toBe(0);
    expect(processesIn(app.dataDir)).toEqual([]);
  });

  it('under npm run, where one Ctrl-C arrives twice (the terminal and npm), it still stops in order', async () => {
    const app = await serve('npm', ['run', '--silent', 'serve:built']);
    process.kill(-app.child.pid!, 'SIGINT');
    // npm exits with its child's status once the app has stopped.
    await within(app.exited, 20_000, 'the stop');
    expect(app.output()).toMatch(/Stopped\./);
    expect(app.output()).not.toMatch(/Still stopping/);
    expect(processesIn(app.dataDir)).toEqual([]);
  });
});
