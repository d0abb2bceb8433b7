// The folder `npm run package:check` packages (release/package-check/linux-unpacked), run as a
// desktop without the Debian package would run it: its redis-server started from the
// resources folder with no redis-server on PATH, and the app's engine using that Redis and the
// packaged model. CI runs package:check before the tests, so there a missing folder fails;
// on a developer machine the tests skip and say how to get the folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, buildIsStale } from '../../scripts/lib/app-build.mjs';
import { freePort } from '../support/redis-server';
import { REPO, runMain } from './support/main-process';

const unpacked = path.join(REPO, 'release/package-check/linux-unpacked');
const resources = path.join(unpacked, 'resources');
const present = existsSync(path.join(resources, 'redis', 'redis-server'));
const inCi = Boolean(process.env.CI);
const MISSING = 'no packaged app in release/package-check/linux-unpacked: run `npm run package:check` first (CI does)';

/** Sends one inline command and returns the first reply line ('' when the server closes the connection). */
function ask(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => sock.write(`${line}\r\n`));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString());
    });
    sock.once('error', (err) => {
      sock.destroy();
      reject(err);
    });
    sock.once('close', () => resolve(''));
  });
}

describe.skipIf(process.platform !== 'linux')('the packaged app (release/package-check/linux-unpacked)', () => {
  let work: string;
  let nodeOnly: string;
  beforeAll(() => {
    if (!present && inCi) throw new Error(MISSING);
    work = mkdtempSync(path.join(os.tmpdir(), 'vt-packaged-'));
    // The PATH of a desktop without the Debian package: only node (which here sits in
    // /usr/bin beside redis-server, so /usr/bin itself cannot be on it).
    nodeOnly = path.join(work, 'bin');
    mkdirSync(nodeOnly);
    symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('starts the bundled redis-server from the resources folder with no redis-server on PATH', async (ctx) => {
    ctx.skip(!present, MISSING);
    const port = await freePort();
    const dataDir = path.join(work, 'redis-data');
    mkdirSync(dataDir);
    const child: ChildProcess = spawn(path.join(resources, 'redis', 'redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'yes'], {
      env: { PATH: nodeOnly },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      let reply = '';
      for (let i = 0; i < 200 && !reply.startsWith('+PONG'); i++) {
        expect(child.exitCode, stderr).toBeNull();
        reply = await ask(port, 'PING').catch(() => '');
        if (!reply.startsWith('+PONG')) await new Promise((r) => setTimeout(r, 50));
      }
      expect(reply).toMatch(/^\+PONG/);
      // The process answering is the packaged binary (the launcher execs it, same pid), and
      // every library it mapped that is not glibc's comes from the package.
      expect(readlinkSync(`/proc/${child.pid}/exe`)).toBe(path.join(resources, 'redis', 'bin', 'redis-server'));
      const mapped = [...new Set(readFileSync(`/proc/${child.pid}/maps`, 'utf8').split('\n').map((l) => l.split(/\s+/)[5] ?? '').filter((f) => f.includes('.so')))];
      const bundledLibs = (JSON.parse(readFileSync(path.join(resources, 'redis', 'manifest.json'), 'utf8')) as { libraries: string[] }).libraries;
      expect(bundledLibs.length).toBeGreaterThan(0);
      for (const lib of bundledLibs) {
        const from = mapped.filter((f) => path.basename(f) === lib);
        if (from.length) expect(from, lib).toEqual([path.join(resources, 'redis', 'lib', lib)]);
      }
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await ask(port, 'SHUTDOWN NOSAVE').catch(() => '');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('runs the app on the packaged Redis and model, as installed, with nothing on PATH but node', async (ctx) => {
    ctx.skip(!present, MISSING);
    if (buildIsStale(REPO)) build(REPO);
    const run = await runMain(path.join(work, 'home'), [], {
      FAKE_ELECTRON_PACKAGED: '1',
      FAKE_ELECTRON_RESOURCES: resources,
      PATH: nodeOnly,
      VOLUNTREE_REDIS_SERVER: '',
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const health = run.events.find((e) => e.kind === 'invoke' && (e.value as { name: string }).name === 'system.health')?.value as
      | { reply: { ok: boolean; result: { redis: { up: boolean; mode: string }; model: { version: string | null }; problems: string[] } } }
      | undefined;
    expect(health?.reply).toMatchObject({ ok: true, result: { redis: { up: true, mode: 'supervised' } } });
    expect(health!.reply.result.problems).toEqual([]);
    expect(health!.reply.result.model.version).toBeTruthy();
    expect(run.events.filter((e) => e.kind === 'error-box')).toEqual([]);
  });
});
