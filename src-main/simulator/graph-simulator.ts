import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Clock } from '../engine/clock';
import type { Logger } from '../engine/log';
import { FaultPlan, faultAnswer, type SimFault } from './faults';
import type { SimWorld } from './world';
import { createWorld } from './world';
import { closeServer } from '../engine/http/close';

/** One call the simulator received. Tokens are never kept, only whether one was sent. */
export interface SimCall {
  method: string;
  /** Path after the version, e.g. `123/feed`. */
  path: string;
  version: string;
  query: Record<string, string>;
  body: Record<string, unknown> | null;
  authorized: boolean;
  at: number;
  /** The HTTP status the simulator answered with (null while in flight or timed out). */
  status: number | null;
  /**
   * The fault played instead of a normal answer, or null when the call reached the endpoint.
   * Tests count a call with no fault as an attempt Meta saw (accepted or refused by its rules).
   */
  fault: SimFault['kind'] | null;
}

export interface SimPost {
  id: string;
  message: string;
  scheduledAt: number | null;
}

export interface GraphSimulatorOptions {
  port?: number;
  log: Logger;
  clock: Clock;
  pageId?: string;
  pageName?: string;
  /** When set, calls with another bearer token get Meta's invalid-token error (code 190). */
  pageToken?: string;
  world?: SimWorld;
}

export interface GraphSimulator {
  /** `http://127.0.0.1:<port>`: what `FB_GRAPH_URL` points at. */
  url: string;
  pageId: string;
  world: SimWorld;
  calls(filter?: { method?: string; pathIncludes?: string }): SimCall[];
  posts(): SimPost[];
  /** The next `count` calls (optionally only those whose path contains `pathIncludes`) fail so. */
  failNext(fault: SimFault, count?: number, pathIncludes?: string): void;
  clearFaults(): void;
  /** Called after each post is published (demo mode starts commenters from here). */
  onPost(listener: (post: SimPost) => void): () => void;
  /** Called after each private reply or message to a person (simulated people answer). */
  onMessage(listener: (m: { psid: string; commentId: string | null; body: Record<string, unknown> }) => void): () => void;
  /** The webhook callback the app set through `/{app-id}/subscriptions`, if any. */
  callbackUrl(): string | null;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;

/**
 * A local fake of the Graph API endpoints Voluntree uses, on 127.0.0.1. It answers in Meta's
 * shapes, assigns ids, records every call, and plays faults on demand.
 */
export async function createGraphSimulator(opts: GraphSimulatorOptions): Promise<GraphSimulator> {
  const pageId = opts.pageId ?? '100000000000001';
  const world = opts.world ?? createWorld(1);
  const recorded: SimCall[] = [];
  const posts: SimPost[] = [];
  const faults = new FaultPlan();
  const postListeners = new Set<(p: SimPost) => void>();
  const messageListeners = new Set<(m: { psid: string; commentId: string | null; body: Body }) => void>();
  const privateReplied = new Set<string>();
  const pendingTimers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let seq = 1000;
  let callback: string | null = null;
  const nextId = (): string => String((seq += 1));

  const app = Fastify({ logger: false });
  const callOf = new WeakMap<FastifyRequest, SimCall>();
  app.addHook('onResponse', async (req, reply) => {
    const call = callOf.get(req);
    if (call) call.status = reply.statusCode;
  });

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    const params = req.params as { v?: string };
    const url = new URL(req.url, 'http://sim');
    const path = url.pathname.split('/').slice(2).join('/');
    const auth = req.headers.authorization;
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : null;
    const call: SimCall = {
      method: req.method,
      path,
      version: params.v ?? '',
      query: Object.fromEntries(url.searchParams),
      body: req.body && typeof req.body === 'object' ? (req.body as Body) : null,
      authorized: token !== null,
      at: opts.clock.now(),
      status: null,
      fault: null,
    };
    recorded.push(call);
    callOf.set(req, call);
    if (!token) return reply.code(400).send({ error: { message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 } });
    const isAppToken = token.includes('|');
    if (opts.pageToken && !isAppToken && token !== opts.pageToken) {
      return reply.code(400).send({ error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } });
    }
    const fault = faults.take(path);
    if (!fault) return undefined;
    call.fault = fault.kind;
    if (fault.kind === 'timeout') {
      await new Promise<void>((resolve) => {
        const entry = { timer: setTimeout(() => { pendingTimers.delete(entry); resolve(); }, fault.ms ?? 30_000), resolve };
        pendingTimers.add(entry);
      });
      return reply.code(504).send({ error: { message: 'timeout', code: 2, is_transient: true } });
    }
    const answer = faultAnswer(fault);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  app.post('/:v/:pageId/feed', async (req) => {
    const b = (req.body ?? {}) as Body;
    const id = `${pageId}_${nextId()}`;
    const scheduled = typeof b.scheduled_publish_time === 'number' ? b.scheduled_publish_time * 1000 : null;
    const post: SimPost = { id, message: typeof b.message === 'string' ? b.message : '', scheduledAt: scheduled };
    posts.push(post);
    if (scheduled === null) for (const l of postListeners) l(post);
    return { id };
  });

  app.post('/:v/:objectId/comments', async (req) => {
    const { objectId } = req.params as { objectId: string };
    const postPart = objectId.split('_')[0] ?? objectId;
    return { id: `${postPart}_${nextId()}` };
  });

  app.post('/:v/:pageId/messages', async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const recipient = (b.recipient ?? {}) as { comment_id?: string; id?: string };
    if (recipient.comment_id) {
      if (privateReplied.has(recipient.comment_id)) {
        return reply.code(400).send({ error: { message: 'This activity has already been replied to', type: 'OAuthException', code: 10900 } });
      }
      privateReplied.add(recipient.comment_id);
      const psid = world.psidForComment(recipient.comment_id);
      for (const l of messageListeners) l({ psid, commentId: recipient.comment_id, body: b });
      return { recipient_id: psid, message_id: `m_${nextId()}` };
    }
    if (recipient.id) {
      for (const l of messageListeners) l({ psid: recipient.id, commentId: null, body: b });
      return { recipient_id: recipient.id, message_id: `m_${nextId()}` };
    }
    return reply.code(400).send({ error: { message: '(#100) The parameter recipient is required', type: 'OAuthException', code: 100 } });
  });

  app.post('/:v/:pageId/subscribed_apps', async () => ({ success: true }));
  app.get('/:v/:pageId/subscribed_apps', async () => {
    const subscribed = recorded.some((c) => c.method === 'POST' && c.path.endsWith('/subscribed_apps'));
    return { data: subscribed ? [{ category: 'Business', link: 'https://voluntree.invalid', name: 'Voluntree', id: '200000000000002', subscribed_fields: ['feed', 'messages'] }] : [] };
  });
  app.get('/:v/me', async () => ({ id: pageId, name: opts.pageName ?? 'Riverside Food Bank (demo)' }));

  app.post('/:v/:appId/subscriptions', async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const url = typeof b.callback_url === 'string' ? b.callback_url : '';
    const challenge = nextId();
    // Like Meta: changing the callback sends a verification GET there first.
    const verify = new URL(url);
    verify.searchParams.set('hub.mode', 'subscribe');
    verify.searchParams.set('hub.verify_token', typeof b.verify_token === 'string' ? b.verify_token : '');
    verify.searchParams.set('hub.challenge', challenge);
    try {
      const res = await fetch(verify, { signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.status !== 200 || text !== challenge) throw new Error(`status ${res.status}`);
    } catch {
      return reply.code(400).send({ error: { message: '(#2200) callback verification failed', type: 'OAuthException', code: 2200 } });
    }
    callback = url;
    return { success: true };
  });

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  const port = addr && typeof addr === 'object' ? addr.port : 0;
  opts.log.info('Facebook simulator listening', { port });

  return {
    url: `http://127.0.0.1:${port}`,
    pageId,
    world,
    calls: (filter) =>
      recorded.filter((c) => (!filter?.method || c.method === filter.method) && (!filter?.pathIncludes || c.path.includes(filter.pathIncludes))),
    posts: () => [...posts],
    failNext: (fault, count = 1, pathIncludes) => faults.add(fault, count, pathIncludes),
    clearFaults: () => faults.clear(),
    onPost(l) {
      postListeners.add(l);
      return () => postListeners.delete(l);
    },
    onMessage(l) {
      messageListeners.add(l);
      return () => messageListeners.delete(l);
    },
    callbackUrl: () => callback,
    async close() {
      for (const p of pendingTimers) {
        clearTimeout(p.timer);
        p.resolve();
      }
      pendingTimers.clear();
      await closeServer(app);
    },
  };
}
