import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on 127.0.0.1 (the OS picks it; a tiny race remains, as everywhere). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestRedisServer {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  /** Ends the server (SIGTERM: AOF flushed) and removes its folder. */
  stop(): Promise<void>;
  /** Ends the server but keeps its folder, so `startTestRedisServer({ port, dir })` brings the same data back (outage tests). */
  halt(): Promise<void>;
}

/** Starts a throwaway `redis-server` from PATH for a test run, bound to loopback, AOF on. */
export async function startTestRedisServer(at: { port?: number; dir?: string } = {}): Promise<TestRedisServer> {
  const port = at.port ?? (await freePort());
  const dir = at.dir ?? mkdtempSync(path.join(os.tmpdir(), 'vt-test-redis-'));
  const bin = process.env.VOLUNTREE_REDIS_SERVER ?? 'redis-server';
  const child = spawn(
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const attempt = (): void => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.write('PING\r\n');
        sock.once('data', (d) => {
          sock.destroy();
          if (d.toString().startsWith('+PONG')) resolve();
          else retry();
        });
      });
      sock.once('error', () => {
        sock.destroy();
        retry();
      });
    };
    const retry = (): void => {
      if (Date.now() > deadline) reject(new Error(`redis-server did not answer on port ${port}`));
      else setTimeout(attempt, 50);
    };
    child.once('error', reject);
    attempt();
  });
  const halt = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    child,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    halt,
  };
}
