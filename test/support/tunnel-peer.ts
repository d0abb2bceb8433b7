import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { startTunnelServer, type TunnelServer } from './tunnel-server';

/**
 * The localtunnel server a test runs the app against, which it can kill and bring back on the
 * same address: the loopback fake (test/support/tunnel-server.ts, in CI), or, when
 * `LT_SERVER_DIR` names a checkout of github.com/localtunnel/server with its dependencies
 * installed, the real server run as a child process on 127.0.0.1 (by hand; its code is never
 * part of this repository). Both give each id its own `http://<id>.localhost:<port>` URL, so
 * the test must make `*.localhost` resolve (localhost-subdomains.ts).
 */
export interface TunnelPeer {
  /** What the app is given as its tunnel server (`VOLUNTREE_TUNNEL_HOST`). */
  host: string;
  real: boolean;
  /** The public URL the server gives an id. */
  publicUrl(id: string): string;
  /** Kills the server at once (sockets dropped, ports closed), like a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same ports, with no memory of earlier clients. */
  revive(): Promise<void>;
  close(): Promise<void>;
}

export function realTunnelServerDir(): string | null {
  return process.env.LT_SERVER_DIR?.trim() || null;
}

export async function startTunnelPeer(): Promise<TunnelPeer> {
  const dir = realTunnelServerDir();
  return dir ? startRealPeer(dir) : startFakePeer();
}

async function startFakePeer(): Promise<TunnelPeer> {
  let server: TunnelServer | null = await startTunnelServer({ subdomainUrls: true, maxConnCount: 10 });
  const { controlPort, publicPort } = server;
  return {
    host: server.url,
    real: false,
    publicUrl: (id) => `http://${id}.localhost:${publicPort}`,
    async kill() {
      await server?.close();
      server = null;
    },
    async revive() {
      server = await startTunnelServer({ subdomainUrls: true, maxConnCount: 10, controlPort, publicPort });
    },
    async close() {
      await server?.close();
      server = null;
    },
  };
}

async function startRealPeer(dir: string): Promise<TunnelPeer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const run = async (): Promise<void> => {
    // `--domain localhost`: ids are read from `<id>.localhost` Host headers and URLs are made
    // from the Host the client asked with (server.js), so the app is given http://localhost:<port>.
    child = spawn(process.execPath, ['-r', path.resolve(import.meta.dirname, 'listen-loopback.cjs'), '-r', 'esm', 'bin/server', '--port', String(port), '--address', '127.0.0.1', '--domain', 'localhost'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD', redirect: 'manual' }).catch(() => null);
      if (res) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the localtunnel server in ${dir} did not start on port ${port}`);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await run();
  return { host: `http://localhost:${port}`, real: true, publicUrl: (id) => `http://${id}.localhost:${port}`, kill: stop, revive: run, close: stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
