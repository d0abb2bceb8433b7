import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ROSTER_FILE_MAX_TEXT, RPC_BODY_MAX_BYTES, RPC_STATUS, RpcError, type HealthReport, type LiveMessage, type RpcErrorBody } from '../../contract';
import type { Logger } from '../log';
import type { CallContext, EngineModule } from '../module';
import { isLocalHost, isOwnOrigin, requireJsonBody } from './access';
import { presentedToken, tokenMatches } from './auth';

export interface HttpServerOptions {
  host: string;
  port: number;
  token: string;
  rendererDir: string | null;
  log: Logger;
  call(name: string, args: unknown, call: CallContext): Promise<unknown>;
  health(): Promise<HealthReport>;
  onLive(listener: (msg: LiveMessage) => void): () => void;
  modules: EngineModule[];
}

function errorBody(code: RpcErrorBody['error']['code'], message: string, details?: unknown): RpcErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/**
 * The local HTTP surface (browser mode and automation): `/healthz` (no token), `/api/rpc/*` and
 * `/api/live` (token), the webhook and other module routes, and the built UI. Binds where it is
 * told; the engine passes 127.0.0.1 unless configured otherwise.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false, bodyLimit: RPC_BODY_MAX_BYTES });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // A form or text/plain body is what a web page can send cross-site without asking first;
  // nothing here takes one (the webhook and metric input scopes bring their own parsers).
  app.removeContentTypeParser('text/plain');

  const port = (): number => (app.server.address() as AddressInfo | null)?.port ?? opts.port;
  // Access is decided on the route that matched, never on the raw URL: the router decodes
  // percent-escapes before matching, so a prefix test on `req.url` can be walked around.
  app.addHook('onRequest', async (req, reply) => {
    const config = req.is404 ? null : req.routeOptions.config;
    const auth = req.is404 ? 'none' : config?.auth;
    if (auth !== 'signature' && !isLocalHost(req.headers.host, port())) {
      await reply.code(403).send(errorBody('unauthorized', 'This server answers only to 127.0.0.1, localhost or [::1] with its own port.'));
      return;
    }
    if (auth === 'none' || auth === 'signature') return;
    // Before the token: a page elsewhere learns nothing from how its guess was answered.
    if (!isOwnOrigin(req.headers.origin, port())) {
      await reply.code(403).send(errorBody('unauthorized', 'This server answers only to its own pages (Origin http://127.0.0.1, localhost or [::1] with its port) and to programs that send no Origin.'));
      return;
    }
    if (auth === undefined) opts.log.warn('refused a request to a route that declares no access rule', { url: req.routeOptions.url });
    if (auth !== 'token' || !tokenMatches(presentedToken(req.headers, req.url, config?.tokenInQuery === true), opts.token)) {
      await reply.code(401).send(errorBody('unauthorized', 'This request needs the Voluntree token: Authorization: Bearer <token>.'));
    }
  });

  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err instanceof RpcError) {
      return reply.code(RPC_STATUS[err.code]).send(errorBody(err.code, err.message, err.details));
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.code(413).send(errorBody('bad_arguments', `The request body is larger than ${RPC_BODY_MAX_BYTES} bytes (a roster file of at most ${ROSTER_FILE_MAX_TEXT}, sent as base64).`));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('bad_arguments', err.message));
    opts.log.error('http request failed', { err });
    return reply.code(500).send(errorBody('internal', 'Something went wrong. The details are in the log.'));
  });

  app.get('/healthz', { config: { auth: 'none' } }, async (_req, reply) => {
    const report = await opts.health();
    return reply.code(report.redis.up ? 200 : 503).send(report);
  });

  app.post<{ Params: { method: string } }>('/api/rpc/:method', { config: { auth: 'token' }, onRequest: requireJsonBody }, async (req) => {
    return (await opts.call(req.params.method, req.body ?? {}, { via: 'http' })) ?? null;
  });

  app.get('/api/live', { websocket: true, config: { auth: 'token', tokenInQuery: true } }, (socket) => {
    const off = opts.onLive((msg) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
    });
    const ping = setInterval(() => socket.ping(), 20_000);
    socket.on('close', () => {
      clearInterval(ping);
      off();
    });
    socket.on('message', () => undefined);
  });

  for (const m of opts.modules) await m.registerRoutes?.(app);

  const notFound = (req: FastifyRequest, reply: FastifyReply): FastifyReply =>
    reply.code(404).send(errorBody('not_found', `Nothing at ${req.method} ${req.url.split('?')[0]}.`));
  const rendererDir = opts.rendererDir;
  if (rendererDir && existsSync(rendererDir)) {
    await app.register(async (ui) => {
      // Everything in this scope is the built UI: public files, opened by a loopback address.
      ui.addHook('onRoute', (route) => {
        route.config = { ...route.config, auth: 'none' };
      });
      ui.addHook('onSend', async (_req, reply, payload) => {
        reply.header('X-Frame-Options', 'DENY');
        reply.header('Referrer-Policy', 'no-referrer');
        reply.header('X-Content-Type-Options', 'nosniff');
        return payload;
      });
      await ui.register(fastifyStatic, { root: rendererDir, index: ['index.html'], wildcard: false });
      // The UI's own addresses (e.g. /events/42) load the page; missing files and API paths do not.
      ui.get('/*', async (req, reply) => {
        const pathname = req.url.split('?')[0]!;
        if (pathname.startsWith('/api/') || pathname.includes('.')) return notFound(req, reply);
        return reply.sendFile('index.html');
      });
    });
  }
  app.setNotFoundHandler(notFound);

  await app.listen({ host: opts.host, port: opts.port });
  const addr = app.server.address() as AddressInfo;
  return { app, url: `http://${opts.host}:${addr.port}` };
}
