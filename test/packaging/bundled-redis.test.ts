// The bundled redis-server must run on a desktop without the Debian package: these tests run
// it from the bundle with a PATH that holds no redis-server, and check that every library the
// loader picks (other than glibc's) comes from the bundle.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/redis-server';

const repo = path.resolve(import.meta.dirname, '../..');
const script = path.join(repo, 'scripts/bundle-redis.mjs');
const GLIBC = /^(ld-linux[^/]*|linux-vdso|lib(c|m|dl|rt|pthread|resolv|util|anl|nsl|mvec))\.so\.\d+$/;

/** A folder holding only `node`: the PATH of a machine without the Debian package (node itself lives in /usr/bin here, beside redis-server). */
function nodeOnlyPath(work: string): string {
  const bin = path.join(work, 'node-only-bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
  }
  return bin;
}

function bundle(out: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [script, '--out', out, ...extra], { encoding: 'utf8', env, cwd: repo });
}

/** Sends one command in the inline protocol and returns the first reply line. */
function command(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => sock.write(`${line}\r\n`));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString().split('\r\n')[0]!);
    });
    sock.once('error', (err) => {
      sock.destroy();
      reject(err);
    });
    // SHUTDOWN closes the connection without a reply.
    sock.once('close', () => resolve(''));
  });
}

async function untilPong(port: number, child: ChildProcess): Promise<string> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const reply = await command(port, 'PING').catch(() => null);
    if (reply) return reply;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(process.platform !== 'linux')('bundled redis-server (Linux)', () => {
  let work: string;
  let out: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'vt-bundle-'));
    out = path.join(work, 'resources', 'redis');
    const run = bundle(out);
    expect(run.status, run.stderr).toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('starts from the resources folder with no redis-server on PATH and answers PING', async () => {
    const strippedPath = nodeOnlyPath(work);
    expect(existsSync(path.join(strippedPath, 'redis-server'))).toBe(false);

    const port = await freePort();
    const dataDir = path.join(work, 'data');
    mkdirSync(dataDir);
    const child = spawn(path.join(out, 'redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'yes'], {
      env: { PATH: strippedPath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      expect(await untilPong(port, child)).toBe('+PONG');
      // The launcher execs Redis itself, so the supervisor's signals reach the server.
      expect(await command(port, 'INFO server')).toMatch(/^\$\d+/);
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      await command(port, 'SHUTDOWN NOSAVE').catch(() => undefined);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('resolves every library but glibc from the bundle', () => {
    const ldd = spawnSync('/usr/bin/ldd', [path.join(out, 'bin', 'redis-server')], {
      encoding: 'utf8',
      env: { PATH: '', LD_LIBRARY_PATH: path.join(out, 'lib') },
    });
    expect(ldd.status).toBe(0);
    const resolved = [...ldd.stdout.matchAll(/^\s*(\S+) => (\S+)/gm)].map((m) => ({ name: m[1]!, file: m[2]! }));
    expect(resolved.length).toBeGreaterThan(0);
    for (const lib of resolved) {
      if (GLIBC.test(lib.name)) continue;
      expect(lib.file, lib.name).toBe(path.join(out, 'lib', lib.name));
    }
  });

  it('records what it bundled', () => {
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { version: string; libraries: string[]; platform: string };
    expect(manifest.platform).toBe('linux');
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.libraries.some((l) => GLIBC.test(l))).toBe(false);
  });

  it('refuses a missing file, a file that is not a program, and says what to do when Redis is nowhere', () => {
    const missing = bundle(path.join(work, 'x1'), ['--from', path.join(work, 'nope')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);

    const text = path.join(work, 'not-a-program');
    writeFileSync(text, '#!/bin/sh\necho hi\n', { mode: 0o755 });
    const notElf = bundle(path.join(work, 'x2'), ['--from', text]);
    expect(notElf.status).toBe(1);
    expect(notElf.stderr).toMatch(/not a Linux executable/);

    const nowhere = bundle(path.join(work, 'x3'), [], { PATH: nodeOnlyPath(work) });
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toMatch(/apt-get install redis-server/);
    expect(nowhere.stderr).toMatch(/REDIS_URL/);
  });
});
