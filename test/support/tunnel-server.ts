import { randomBytes } from 'node:crypto';
import http, { type ClientRequestArgs, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import net, { type AddressInfo, type Socket } from 'node:net';

/**
 * A loopback server speaking the localtunnel client protocol, so tests drive the real
 * `localtunnel` client: `GET /?new` or `GET /<subdomain>` answers `{ id, port, max_conn_count,
 * url }`; the client then opens `max_conn_count` raw TCP sockets to `port`, and public HTTP
 * requests to `url` travel over those sockets to the client's local server.
 */
export interface TunnelServer {
  /** The control URL the client is given as `host`. */
  url: string;
  controlPort: number;
  publicPort: number;
  /** The public URL for a client id. */
  publicUrl(id: string): string;
  /** Ids that asked for a tunnel, in order (repeats included). */
  registrations(): string[];
  /** The subdomain each tunnel request asked for (null: any), in order. */
  requested(): (string | null)[];
  /** Open sockets a client holds now. */
  openSockets(id: string): number;
  /**
   * Adds to the latest client's pool a tunnel socket into which `bytes` were written and which
   * was then closed, as Node's 408 on an idle socket used to leave one; resolves once pooled.
   */
  addStaleSocket(bytes: string): Promise<void>;
  /**
   * From now on a request for `id` gets a random id instead, as if another client held it
   * (see takenSubdomains).
   */
  take(id: string): void;
  /**
   * While true, every public request is answered 502 before it reaches a tunnel: a server that
   * hands out tunnels whose public side does not work (say, a reverse proxy in front of it
   * that is misconfigured).
   */
  publicBroken(broken: boolean): void;
  /** Kills everything at once, like a crashed server: sockets destroyed, ports closed. */
  close(): Promise<void>;
}

/**
 * Hands a client's tunnel sockets to public requests, one request per socket at a time, the
 * way the real server's TunnelAgent (localtunnel/server, lib/TunnelAgent.js) does:
 * - idle sockets wait in a pool with nobody reading them, so bytes the app's side wrote into
 *   one (a timeout's 408, say) stay buffered and become the answer to the next public request
 *   that gets the socket; a socket closed with nothing buffered leaves the pool at once;
 * - Node's Agent with `keepAlive` and `maxFreeSockets: 1` keeps one socket after a request and
 *   reuses it first, so requests one after another mostly travel on the same warm socket.
 */
class TunnelAgent extends http.Agent {
  private readonly idle: Socket[] = [];
  private readonly waiting: ((err: Error | null, socket: Duplex) => void)[] = [];
  readonly all = new Set<Socket>();

  constructor(private readonly onEmpty: () => void) {
    super({ keepAlive: true, maxFreeSockets: 1 });
  }

  addSocket(socket: Socket): void {
    this.all.add(socket);
    socket.once('close', () => {
      this.all.delete(socket);
      const i = this.idle.indexOf(socket);
      if (i >= 0) this.idle.splice(i, 1);
      if (this.all.size === 0) this.onEmpty();
    });
    socket.on('error', () => socket.destroy());
    const waiter = this.waiting.shift();
    if (waiter) waiter(null, socket);
    else this.idle.push(socket);
  }

  // Node's Agent waits for the callback when createConnection returns nothing.
  override createConnection(_opts: ClientRequestArgs, cb?: (err: Error | null, socket: Duplex) => void): undefined {
    if (!cb) return undefined;
    const s = this.idle.shift();
    if (s) cb(null, s);
    else this.waiting.push(cb);
    return undefined;
  }

  override destroy(): void {
    for (const s of this.all) s.destroy();
    for (const w of this.waiting.splice(0)) w(new Error('tunnel closed'), new net.Socket());
    super.destroy();
  }
}

interface Client {
  id: string;
  agent: TunnelAgent;
  server: net.Server;
  grace: NodeJS.Timeout | null;
}

export interface TunnelServerOptions {
  /** Fixed ports, so a test can bring a killed server back at the same address. */
  controlPort?: number;
  publicPort?: number;
  maxConnCount?: number;
  /**
   * Subdomains another client holds. Like the real server (localtunnel/server, lib/ClientManager
   * `newClient`: an id already in use is replaced by a random one), a request for one of them is
   * never refused: it gets a tunnel under a random id.
   */
  takenSubdomains?: readonly string[];
  /**
   * How long a client without sockets keeps its id (the real server: 1 s, lib/Client.js
   * `graceTimeout`, both before its first socket and after its last one closes). While it is
   * kept, a new request for the id gets a random one.
   */
  graceMs?: number;
  /**
   * Public URLs `http://<id>.localhost:<port>`, one per id as the real server makes them
   * (server.js: schema + '://' + id + '.' + host), instead of one URL for every id. The test
   * must make `*.localhost` resolve (test/support/localhost-subdomains.ts).
   */
  subdomainUrls?: boolean;
}

export async function startTunnelServer(opts: TunnelServerOptions = {}): Promise<TunnelServer> {
  const clients = new Map<string, Client>();
  const registrations: string[] = [];
  const requested: (string | null)[] = [];
  let last: Client | null = null;
  const maxConn = opts.maxConnCount ?? 4;
  const openConnections = new Set<Socket>();
  const taken = new Set(opts.takenSubdomains ?? []);
  let broken = false;

  const listen = (server: net.Server | http.Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });

  const publicServer = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    if (broken) {
      res.writeHead(502).end();
      return;
    }
    // Host `<id>.…` picks a client; otherwise (one URL for all) the latest one still held.
    const sub = (req.headers.host ?? '').split('.')[0] ?? '';
    const client = clients.get(sub) ?? (opts.subdomainUrls ? null : last);
    if (!client || !clients.has(client.id)) {
      // The real server (server.js, the request handler): an id it does not hold → 404 "404".
      res.writeHead(404).end('404');
      return;
    }
    const upstream = http.request({ agent: client.agent, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    // The real server does not answer a request whose tunnel socket fails or whose client goes
    // away while it waits for a socket (lib/Client.js handleRequest: the clientReq 'error'
    // handler is an empty TODO; pump then destroys the public request, which leaves a request
    // already read unanswered): the caller sees no answer, or a reset, never a status.
    upstream.on('error', () => req.destroy());
    req.pipe(upstream);
  });

  const controlServer = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const wanted = url.pathname.slice(1);
    if (url.pathname === '/' && !url.searchParams.has('new')) {
      // The real server (localtunnel/server, server.js: the root route without `?new`) redirects
      // to its landing page on another host: 302 for GET and HEAD alike. A reachability check
      // that follows it tests the landing page, not this server.
      res.writeHead(302, { location: 'https://localtunnel.github.io/www/' }).end();
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    // The real server refuses only a malformed id (403, "Invalid subdomain"), never a taken one.
    if (wanted && !/^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/.test(wanted)) {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Invalid subdomain.' }));
      return;
    }
    requested.push(wanted || null);
    // An id still held by a client, even one in its grace period, is "taken" (lib/ClientManager
    // `newClient`), as is one listed in takenSubdomains: the requester gets a random id.
    const isTaken = (w: string) => clients.has(w) || taken.has(w);
    const id = url.searchParams.has('new') || !wanted || isTaken(wanted) ? randomBytes(5).toString('hex') : wanted;
    registrations.push(id);
    const remove = () => {
      const c = clients.get(id);
      if (!c || c !== client) return;
      clients.delete(id);
      c.agent.destroy();
      c.server.close();
    };
    const graceMs = opts.graceMs ?? 1_000;
    const agent: TunnelAgent = new TunnelAgent(() => {
      if (client.grace) clearTimeout(client.grace);
      client.grace = setTimeout(remove, graceMs);
    });
    const sockServer = net.createServer((socket) => {
      openConnections.add(socket);
      socket.once('close', () => openConnections.delete(socket));
      if (client.grace) clearTimeout(client.grace);
      client.grace = null;
      agent.addSocket(socket);
    });
    const port = await listen(sockServer, 0);
    const client: Client = { id, agent, server: sockServer, grace: setTimeout(remove, graceMs) };
    clients.set(id, client);
    last = client;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, port, max_conn_count: maxConn, url: publicUrl(id) }));
  });

  for (const server of [publicServer, controlServer]) {
    server.on('connection', (s: Socket) => {
      openConnections.add(s);
      s.once('close', () => openConnections.delete(s));
    });
  }
  const controlPort = await listen(controlServer, opts.controlPort ?? 0);
  const publicPort = await listen(publicServer, opts.publicPort ?? 0);
  const publicUrl = (id: string): string => (opts.subdomainUrls ? `http://${id}.localhost:${publicPort}` : `http://127.0.0.1:${publicPort}`);

  return {
    url: `http://127.0.0.1:${controlPort}`,
    controlPort,
    publicPort,
    publicUrl,
    registrations: () => [...registrations],
    requested: () => [...requested],
    openSockets: (id) => clients.get(id)?.agent.all.size ?? 0,
    take: (id) => void taken.add(id),
    publicBroken: (b) => void (broken = b),
    addStaleSocket: (bytes) =>
      new Promise((resolve, reject) => {
        if (!last) return reject(new Error('no client'));
        const before = last.agent.all.size;
        const agent = last.agent;
        const s = net.connect((last.server.address() as AddressInfo).port, '127.0.0.1', () => s.end(bytes));
        s.on('error', reject);
        const wait = setInterval(() => {
          if (agent.all.size > before) {
            clearInterval(wait);
            resolve();
          }
        }, 5);
      }),
    async close() {
      for (const c of clients.values()) {
        if (c.grace) clearTimeout(c.grace);
        c.agent.destroy();
        c.server.close();
      }
      clients.clear();
      for (const s of openConnections) s.destroy();
      await Promise.all([publicServer, controlServer].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
