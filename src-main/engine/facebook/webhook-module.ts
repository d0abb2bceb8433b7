import Fastify, { type FastifyInstance } from 'fastify';
import type { EngineContext, EngineModule } from '../module';
import { registerWebhookRoutes, type WebhookCounters, type WebhookSettings } from './webhook-routes';
import { closeServer } from '../http/close';

export interface WebhookModuleOptions extends WebhookSettings {
  bodyLimit?: number;
  /** Start the tunnel-facing server (the app role does; tests of the routes alone may not). */
  tunnelServer?: boolean;
}

/** What the tunnel needs: where the webhook-only server listens. */
export interface WebhookModule extends EngineModule {
  /** The port of the webhook-only server on 127.0.0.1 (null before start). */
  tunnelPort(): number | null;
  counters: WebhookCounters;
}

/**
 * Idle tunnel sockets sit open for a long time between deliveries; Node's defaults (5 s
 * keep-alive, 60 s headers) would close them and make the tunnel churn. Ten minutes still
 * bounds a stuck connection.
 */
export const TUNNEL_SOCKET_TIMEOUT_MS = 10 * 60_000;

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
      server = Fastify({ keepAliveTimeout: TUNNEL_SOCKET_TIMEOUT_MS, requestTimeout: 0, connectionTimeout: 0, return503OnClosing: true });
      server.server.headersTimeout = TUNNEL_SOCKET_TIMEOUT_MS + 1000;
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
