import type { EngineContext, EngineModule } from './module';

// What the engine needs of demo mode, as a port: the simulator itself (src-main/simulator/)
// is not part of the engine. Whoever starts an app engine that may run in demo mode (the CLI,
// the desktop shell, tests) hands the factory in (`createEngine({ demo: createDemoModule })`);
// an engine without it runs live only.

/** The settings the engine uses while in demo mode, in place of a real Page's. */
export interface DemoCredentials {
  pageId: string;
  pageToken: string;
  appSecret: string;
  verifyToken: string;
}

export interface DemoPort extends EngineModule {
  credentials: DemoCredentials;
  /** The simulator's base URL, for the GraphClient's `baseUrl` (throws before start). */
  graphUrl(): string;
}

export interface DemoPortOptions {
  /** Where simulated people deliver webhooks (the webhook server's `/webhooks/facebook`); null until it listens. */
  webhookUrl: () => string | null;
}

export type DemoFactory = (ctx: EngineContext, opts: DemoPortOptions) => DemoPort;
