import http from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import type { EngineContext, EngineModule } from '../module';
import { registerWebhookRoutes, type WebhookCounters, type WebhookSettings } from './webhook-routes';
import { closeServer } from '../http/close';

export interface WebhookModuleOptions extends WebhookSettings {
  bodyLimit?: number;
  /** Start the tunnel-facing server (the app role does; tests of the routes alone may not). */
  tunnelServer?: boolean;
  tunnelSockets?: Partial<TunnelSocketTimings>;
}

/** What the tunnel needs: where the webhook-only server listens. */
export interface WebhookModule extends EngineModule {
  /** The port of the webhook-only server on 127.0.0.1 (null before start). */
  tunnelPort(): number | null;
  counters: WebhookCounters;
}

/** How the webhook-only server treats the tunnel's sockets (tests shorten them). */
export interface TunnelSocketTimings {
  /**
   * A socket with nothing moving for this long is closed without a byte written: the
   * localtunnel client then opens a fresh one. Shorter than every other timeout here, so an
   * idle pre-opened socket is recycled before anything else can time it out.
   */
  idleMs: number;
  /** Bound on a request whose headers started arriving (Node's `headersTimeout`). */
  headersTimeoutMs: number;
  /** Bound on a whole request (Node's `requestTimeout`; at least `headersTimeoutMs`). */
  requestTimeoutMs: number;
  /** How often Node checks those two bounds (`connectionsCheckingInterval`). */
  checkIntervalMs: number;
}

/**
 * The localtunnel client opens its sockets to this server long before any request travels on
 * them, and the tunnel server keeps them in a pool without reading from them. Node 20 counts
 * `headersTimeout` on a fresh connection from the moment it opens (checked here: a socket that
 * never sends a byte gets "HTTP/1.1 408 Request Timeout" after headersTimeout; one that served a
 * request and then idles is closed silently by the keep-alive timeout), and the real tunnel
 * server hands that buffered 408 to the next public request. So: never answer a timeout on a
 * socket no request arrived on, and recycle idle sockets silently after 4 minutes, before the
 * 5 minute headers bound could fire on them. A socket closed without a byte is noticed by the
 * tunnel server at once (it reads the end of the stream when nothing is buffered) and replaced
 * by the client. Each close races with the server handing that socket to a public request
 * (checked against the real server: such a request gets no answer and Meta delivers it
 * again), so sockets are recycled rarely rather than at Node's 60 s.
 */
export const TUNNEL_SOCKET_TIMINGS: TunnelSocketTimings = { idleMs: 240_000, headersTimeoutMs: 300_000, requestTimeoutMs: 360_000, checkIntervalMs: 10_000 };

/**
 * The Meta webhook. `registerRoutes` adds it to the main local server; `start` also opens a
 * second server on 127.0.0.1 with nothing but `/webhooks/facebook`, which is what the tunnel
 * exposes, so the RPC API and the UI are never reachable from the internet.
 */
export function createWebhookModule(ctx: EngineContext, opts: WebhookModuleOptions): WebhookModule {
  const counters: WebhookCounters = { accepted: 0, duplicates: 0, refused: 0, refusedInARow: 0, lastVerifiedAt: null };
  const log = ctx.log.child({ module: 'webhook' });
  const deps = { ...opts, gears: ctx.gears, keys: ctx.keys, clock: ctx.clock, log };
  let server: FastifyInstance | null = null;
  let port: number | null = null;

  return {
    name: 'webhook',
    counters,
    tunnelPort: () => port,
    async registerRoutes(app) {
      await registerWebhookRoutes(app, deps, counters);
    },
    async start() {
      if (opts.tunnelServer === false || ctx.role !== 'app') return;
      const t = { ...TUNNEL_SOCKET_TIMINGS, ...opts.tunnelSockets };
      server = Fastify({
        return503OnClosing: true,
        // Our own server, because connectionsCheckingInterval can only be given at creation.
        serverFactory: (handler) => {
          const s = http.createServer(
            { headersTimeout: t.headersTimeoutMs, requestTimeout: Math.max(t.requestTimeoutMs, t.headersTimeoutMs), connectionsCheckingInterval: t.checkIntervalMs, keepAliveTimeout: t.idleMs },
            handler,
          );
          // Inactivity on any socket, fresh or kept alive: closed with nothing written.
          s.setTimeout(t.idleMs);
          return s;
        },
        clientErrorHandler: answerClientErrorOnTunnel,
      });
      await registerWebhookRoutes(server, deps, counters);
      await server.listen({ host: '127.0.0.1', port: 0 });
      const addr = server.server.address();
      port = addr && typeof addr === 'object' ? addr.port : null;
      log.info('webhook server for the tunnel listening', { port });
    },
    async stop() {
      const s = server;
      server = null;
      port = null;
      if (s) await closeServer(s);
    },
    health(report) {
      if ((counters.refusedInARow ?? 0) >= 3) {
        report.problems.push('Webhook deliveries are being refused because their signature does not match: check that the App Secret in Settings is the one of the Meta app.');
      }
    },
  };
}

/**
 * fastify's default answers a timeout with a 408 whatever the socket carried. On a tunnel
 * socket that never carried a request nobody is waiting for that answer; the tunnel server
 * would give it to whichever public request takes the socket next. So such a socket is closed
 * without a byte. A request that did start gets its 408 or 400, as Node would write it.
 */
function answerClientErrorOnTunnel(err: Error & { code?: string }, socket: Duplex): void {
  const net = socket as Duplex & { bytesRead?: number; bytesWritten?: number };
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (!net.bytesRead) {
    socket.destroy();
    return;
  }
  if (socket.writable && !net.bytesWritten) {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  }
  socket.destroy();
}
