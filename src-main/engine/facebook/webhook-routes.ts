import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock';
import type { Gears } from '../gears/loader';
import type { Keys } from '../keys';
import type { Logger } from '../log';
import { IngestBatcher } from '../pipeline/stages/ingest';
import { verifySignature } from './signature';
import { normaliseWebhook, toDeliveries, webhookEnvelope } from './webhook-payload';

export const WEBHOOK_PATH = '/webhooks/facebook';
/** Meta batches up to 1,000 entries; 4 MiB leaves room for long comments. */
export const DEFAULT_WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/** Settings as getters: they can change while the app runs. */
export interface WebhookSettings {
  appSecret: () => string | null;
  verifyToken: () => string;
  pageId: () => string;
}

export interface WebhookDeps extends WebhookSettings {
  gears: Gears;
  keys: Keys;
  clock: Clock;
  log: Logger;
  bodyLimit?: number;
}

/** Running counts, for health and the benchmark. */
export interface WebhookCounters {
  accepted: number;
  duplicates: number;
  refused: number;
  /** Refusals since the last correctly signed delivery (a wrong App Secret shows here). */
  refusedInARow?: number;
  /** When Meta last passed the verification handshake (ms since epoch). */
  lastVerifiedAt?: number | null;
}

/**
 * Adds `GET|POST /webhooks/facebook` inside an encapsulated scope whose only body parser keeps
 * the raw bytes: the signature is over those bytes, and the server's JSON parser elsewhere
 * (for /api/rpc) must never see or re-serialise them first.
 */
export async function registerWebhookRoutes(app: FastifyInstance, deps: WebhookDeps, counters?: WebhookCounters): Promise<void> {
  const bodyLimit = deps.bodyLimit ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  const batcher = new IngestBatcher(deps.gears, deps.keys, (r) => {
    if (counters) {
      counters.accepted += r.accepted;
      counters.duplicates += r.duplicates;
    }
  });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_req, body, done) => done(null, body));

    // Reachable without the token and by any Host (a reverse proxy in front of the local server
    // sends its public name): Meta's signature over the body is the check.
    scope.get(WEBHOOK_PATH, { config: { auth: 'signature' } }, async (req, reply) => verificationHandshake(req, reply, deps, counters));
    scope.post(WEBHOOK_PATH, { bodyLimit, config: { auth: 'signature' } }, async (req, reply) => receiveEvents(req, reply, deps, batcher, counters));
  });
}

export const PROBE_HEADER = 'x-voluntree-probe';

function verificationHandshake(req: FastifyRequest, reply: FastifyReply, deps: WebhookDeps, counters?: WebhookCounters): FastifyReply {
  const q = req.query as Record<string, string | undefined>;
  const probe = req.headers[PROBE_HEADER];
  if (typeof probe === 'string' && q['hub.mode'] === undefined) {
    // The tunnel's health check, sent through the public URL: echo its nonce so it knows the
    // answer came from this app and not from whoever holds the subdomain now.
    return reply.code(204).header(PROBE_HEADER, probe.slice(0, 64)).send();
  }
  const expected = deps.verifyToken();
  if (q['hub.mode'] === 'subscribe' && expected && q['hub.verify_token'] === expected && q['hub.challenge'] !== undefined) {
    deps.log.info('webhook verified by Facebook');
    if (counters) counters.lastVerifiedAt = deps.clock.now();
    return reply.code(200).type('text/plain').send(q['hub.challenge']);
  }
  deps.log.warn('webhook verification refused: the verify token does not match');
  return reply.code(403).type('text/plain').send('verify token mismatch');
}

async function receiveEvents(req: FastifyRequest, reply: FastifyReply, deps: WebhookDeps, batcher: IngestBatcher, counters?: WebhookCounters): Promise<FastifyReply> {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const secret = deps.appSecret();
  const header = req.headers['x-hub-signature-256'];
  const signature = typeof header === 'string' ? header : undefined;
  const refuse = (): void => {
    if (!counters) return;
    counters.refused += 1;
    counters.refusedInARow = (counters.refusedInARow ?? 0) + 1;
  };
  if (!secret) {
    refuse();
    deps.log.warn('webhook refused: no app secret is set, so signatures cannot be checked');
    return reply.code(401).send({ error: 'app secret not configured' });
  }
  if (!signature) {
    refuse();
    deps.log.warn('webhook refused: no X-Hub-Signature-256 header');
    return reply.code(401).send({ error: 'missing signature' });
  }
  if (!verifySignature(raw, signature, secret)) {
    refuse();
    deps.log.warn('webhook refused: signature does not match the body');
    return reply.code(403).send({ error: 'bad signature' });
  }
  if (counters) counters.refusedInARow = 0;
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return reply.code(400).send({ error: 'body is not JSON' });
  }
  const env = webhookEnvelope.safeParse(json);
  if (!env.success) return reply.code(400).send({ error: 'not a webhook event' });

  const normalised = normaliseWebhook(env.data, deps.pageId(), deps.clock.now());
  if (normalised.malformed > 0) deps.log.warn('webhook changes skipped: unreadable shape', { count: normalised.malformed });
  if (normalised.badId > 0) deps.log.warn('webhook changes dropped: an id in them is not an id (prototype name, ":", empty or too long)', { count: normalised.badId });
  if (normalised.cut > 0) deps.log.warn('webhook changes kept with a name or text cut to the length the app keeps', { count: normalised.cut });
  if (normalised.otherPage > 0) deps.log.warn('webhook entries dropped: they are for another Page than the connected one', { count: normalised.otherPage });
  try {
    // Answer only once Redis has the items (AOF): a 200 tells Meta never to send them again.
    await batcher.add(toDeliveries(normalised.items));
  } catch (err) {
    deps.log.error('webhook could not enqueue; Facebook will deliver again', { err: err instanceof Error ? err.message : String(err) });
    return reply.code(503).send({ error: 'try again' });
  }
  return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
}
