import { randomBytes } from 'node:crypto';
import type { DemoCredentials, DemoPort, DemoPortOptions } from '../engine/demo-port';
import type { EngineContext } from '../engine/module';
import { Commenters } from './commenters';
import { createGraphSimulator, type GraphSimulator } from './graph-simulator';
import { createWorld } from './world';

export const DEMO_PAGE_ID = '100000000000001';

export interface DemoModuleOptions extends DemoPortOptions {
  seed?: number;
  paceMs?: { min: number; max: number };
  maxCommentsPerPost?: number;
  port?: number;
}

export type { DemoCredentials };

export interface DemoModule extends DemoPort {
  simulator(): GraphSimulator | null;
  commenters(): Commenters | null;
}

/**
 * Demo mode: the Facebook simulator plays the Graph API, and after each post is published
 * simulated people comment on it at a gentle pace and answer Messenger buttons, all through
 * signed webhooks, so a fresh install shows the whole pipeline working.
 */
export function createDemoModule(ctx: EngineContext, opts: DemoModuleOptions): DemoModule {
  const log = ctx.log.child({ module: 'demo' });
  // Fresh per run: the demo secret signs only loopback traffic and must never be a constant.
  const credentials: DemoCredentials = {
    pageId: DEMO_PAGE_ID,
    pageToken: `demo-page-${randomBytes(12).toString('hex')}`,
    appSecret: randomBytes(24).toString('hex'),
    verifyToken: `demo-${randomBytes(8).toString('hex')}`,
  };
  let sim: GraphSimulator | null = null;
  let people: Commenters | null = null;

  return {
    name: 'demo',
    credentials,
    graphUrl() {
      if (!sim) throw new Error('the Facebook simulator is not running');
      return sim.url;
    },
    simulator: () => sim,
    commenters: () => people,
    async start() {
      const world = createWorld(opts.seed ?? Math.floor(Math.random() * 1e6));
      sim = await createGraphSimulator({ log, clock: ctx.clock, pageId: credentials.pageId, pageToken: credentials.pageToken, world, ...(opts.port ? { port: opts.port } : {}) });
      const commenters = new Commenters({
        world,
        pageId: credentials.pageId,
        target: () => opts.webhookUrl() ?? 'http://127.0.0.1:9/webhooks/facebook',
        appSecret: () => credentials.appSecret,
        log,
        ...(opts.paceMs ? { paceMs: opts.paceMs } : {}),
        ...(opts.maxCommentsPerPost ? { maxCommentsPerPost: opts.maxCommentsPerPost } : {}),
      });
      people = commenters;
      sim.onPost((post) => {
        log.info('demo: simulated people will comment on the new post', { postId: post.id });
        commenters.commentOn(post.id);
      });
      sim.onMessage((m) => commenters.answerLater(m.psid, m.body));
    },
    async stop() {
      people?.stop();
      people = null;
      const s = sim;
      sim = null;
      if (s) await s.close();
    },
  };
}
