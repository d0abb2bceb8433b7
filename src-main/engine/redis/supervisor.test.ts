import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../log';
import { RedisSupervisor, type SupervisorOptions } from './supervisor';

const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();

let dir: string;
const supervisors: RedisSupervisor[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'vt-supervisor-'));
});
afterEach(async () => {
  for (const s of supervisors.splice(0)) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A redis-server that really starts, answers, and is killed `afterSeconds` later: a crash loop. */
function crashingRedis(afterSeconds: number): string {
  const file = path.join(dir, 'crashing-redis-server');
  // The background job kills the shell's pid, which exec has turned into redis-server.
  writeFileSync(file, `#!/bin/sh\n( sleep ${afterSeconds}; kill -KILL $$ ) &\nexec ${JSON.stringify(redisServer)} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

function supervisor(opts: Partial<SupervisorOptions>) {
  const log = memoryLogger();
  const sup = new RedisSupervisor({ binary: redisServer, dir: path.join(dir, 'redis'), log, readyTimeoutMs: 5000, ...opts });
  supervisors.push(sup);
  const events: string[] = [];
  sup.on('up', () => events.push('up'));
  sup.on('down', () => events.push('down'));
  sup.on('gave-up', (err: Error) => events.push(`gave-up: ${err.message}`));
  return { sup, log, events };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The restart delays the supervisor logged, in order. */
const delays = (lines: string[]) =>
  lines.map((l) => JSON.parse(l) as { msg: string; delayMs?: number }).filter((l) => l.msg === 'redis-server is down; restarting it').map((l) => l.delayMs);

describe.skipIf(!redisServer)('RedisSupervisor', () => {
  it('backs off between crashes that follow each other, then gives up with the reason', async () => {
    const { sup, log, events } = supervisor({ binary: crashingRedis(0.4), backoffMs: { first: 100, max: 250 }, stableMs: 10_000, maxFailures: 3 });
    await sup.start();
    await until(() => events.some((e) => e.startsWith('gave-up')), 20_000, 'the supervisor to give up');
    expect(delays(log.lines)).toEqual([100, 200, 250]);
    expect(sup.status()).toMatchObject({ up: false, restarts: 3 });
    expect(sup.status().gaveUp).toMatch(/failed 4 times in a row, so Voluntree stopped restarting it \(last: redis-server stopped \(code null, signal SIGKILL\)/);
    expect(events.at(-1)).toBe(`gave-up: ${sup.status().gaveUp}`);
    // No more restarts after giving up.
    await new Promise((r) => setTimeout(r, 600));
    expect(sup.status().restarts).toBe(3);
    expect(sup.status().pid).toBeNull();
  });

  it('starts counting again after a start that stayed up for the stable period', async () => {
    const { sup, log, events } = supervisor({ binary: crashingRedis(0.5), backoffMs: { first: 100, max: 1000 }, stableMs: 200, maxFailures: 1 });
    await sup.start();
    await until(() => sup.status().restarts >= 3 && sup.status().up, 20_000, 'three restarts');
    expect(events.some((e) => e.startsWith('gave-up'))).toBe(false);
    expect(delays(log.lines).slice(0, 3)).toEqual([100, 100, 100]);
  });

  it('counts failed restarts too', async () => {
    const binary = path.join(dir, 'redis-that-fails-once-started');
    // Starts fine the first time, then refuses to start (as with a damaged AOF).
    writeFileSync(binary, `#!/bin/sh\nif [ -e ${JSON.stringify(path.join(dir, 'started'))} ]; then echo "Bad file format reading the append only file" >&2; exit 1; fi\ntouch ${JSON.stringify(path.join(dir, 'started'))}\n( sleep 0.3; kill -KILL $$ ) &\nexec ${JSON.stringify(redisServer)} "$@"\n`);
    chmodSync(binary, 0o755);
    const { sup, log, events } = supervisor({ binary, backoffMs: { first: 50, max: 1000 }, maxFailures: 3 });
    await sup.start();
    await until(() => events.some((e) => e.startsWith('gave-up')), 20_000, 'the supervisor to give up');
    expect(delays(log.lines)).toEqual([50, 100, 200]);
    expect(sup.status().gaveUp).toMatch(/restart failed: redis-server exited during start \(code 1, signal null\): Bad file format/);
  });

  it('runs redis-server in a process group of its own, so a Ctrl-C at the terminal does not reach it', async () => {
    const { sup } = supervisor({});
    await sup.start();
    const pgid = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]);
    const pid = sup.status().pid!;
    expect(pgid(pid)).toBe(pid);
    expect(pgid(pid)).not.toBe(pgid(process.pid));
  });

  it('never restarts once the stop has begun, even when Redis dies before stop() reaches it', async () => {
    const { sup, events } = supervisor({ backoffMs: { first: 10, max: 10 } });
    await sup.start();
    const pid = sup.status().pid!;
    sup.holdRestarts();
    process.kill(pid, 'SIGKILL');
    await until(() => !alive(pid), 5000, 'redis-server to die');
    await new Promise((r) => setTimeout(r, 300));
    expect(events).toEqual(['up']);
    expect(sup.status()).toMatchObject({ up: false, restarts: 0, pid: null });
    await sup.stop();
  });

  it('stops a restart that is waiting for its backoff', async () => {
    const { sup, events } = supervisor({ backoffMs: { first: 400, max: 400 } });
    await sup.start();
    process.kill(sup.status().pid!, 'SIGKILL');
    await until(() => events.includes('down'), 5000, 'the crash to be seen');
    await sup.stop();
    await new Promise((r) => setTimeout(r, 600));
    expect(events).toEqual(['up', 'down']);
    expect(sup.status().pid).toBeNull();
  });

  it.each(['exit', 'throw'])('does not leave redis-server running when the app process ends without stopping it (%s)', async (how) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'testing/supervised-child.ts'), path.join(dir, 'redis'), redisServer, how], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code, err).not.toBe(0);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    await until(() => !alive(pid), 5000, `redis-server ${pid} to end`);
  });
});
