import { createDeadLettersModule } from './pipeline/dead-letters/dead-letters-module';
import type { DemoFactory, DemoPort } from './demo-port';
import type { EngineConfig } from './config';
import { createDataModule } from './data/data-module';
import { GraphClient } from './facebook/graph-client';
import { createFacebookModule } from './facebook/facebook-module';
import { createConnectionPublisher, createConnectionWatcher } from './facebook/graph-connection';
import type { PageConnection } from './facebook/graph-seal';
import { createWebhookModule, type WebhookModule } from './facebook/webhook-module';
import { createFeedModule, type FeedModule } from './feed/feed-module';
import { createMetricsModule, type MetricsModule } from './metrics/module';
import type { EngineContext, EngineModule } from './module';
import { createModelModule } from './model/model-module';
import { createPipelineModule, type PipelineModule } from './pipeline/pipeline-module';
import { createSettingsModule, type SettingsService } from './settings/settings-module';
import { pipelineActivitiesGoneFromFeed, pipelineActivitiesToFeed, pipelineMetricsToNodes } from './wiring';

export interface ModuleDeps {
  config: EngineConfig;
  settings: SettingsService;
  /** The local HTTP surface's address once it listens (null before, or when not served). */
  httpUrl: () => string | null;
  /** Demo mode's simulator (the CLI, the shell and tests hand it in); without it, live only. */
  demo?: DemoFactory;
}

/** The modules and the services they offer each other. */
export interface BuiltModules {
  modules: EngineModule[];
  /** The activity feed (`record` for the recorder and coordinator actions); app role only. */
  feed: FeedModule | null;
  metrics: MetricsModule | null;
  pipeline: PipelineModule;
  webhook: WebhookModule | null;
  /** The Facebook simulator (demo mode); app role only. */
  demo: DemoPort | null;
  graph: GraphClient;
  /** Whether this process sends through the Graph API right now (takes reply and notify jobs). */
  sendsGraph(): boolean;
  /** Why a worker cannot use the app's connection when the operator must act (a wrong key); null otherwise. */
  graphProblem(): string | null;
}

/**
 * The Graph client as the app wires it: the built-in simulator while no Page is connected,
 * otherwise Facebook with the Settings' Page, token, App ID and App Secret (read per call, so a
 * change in Settings applies at once).
 */
export function createGraphFor(ctx: EngineContext, config: EngineConfig, settings: SettingsService, demo: Pick<DemoPort, 'graphUrl' | 'credentials'> | null): GraphClient {
  const inDemo = (): boolean => demo !== null && settings.demoMode();
  return new GraphClient({
    baseUrl: () => (inDemo() ? demo!.graphUrl() : config.graphUrl),
    version: () => settings.graphVersion(),
    pageId: () => (inDemo() ? demo!.credentials.pageId : (settings.pageId() ?? '')),
    pageToken: () => (inDemo() ? demo!.credentials.pageToken : settings.pageToken()),
    appId: () => settings.appId(),
    appSecret: () => settings.appSecret(),
    clock: ctx.clock,
    log: ctx.log.child({ part: 'graph' }),
  });
}

/**
 * The composition root's list: which modules run, in which order, with which collaborators.
 * Workers (role `worker`) get only the horizontally scalable parts.
 *
 * Demo mode is decided call by call (the Graph client's getters): while no Page is connected,
 * Graph calls go to the built-in simulator and webhooks are signed with its secret; once the
 * coordinator connects a Page in Settings, the same client talks to Facebook.
 */
/** A worker's own Page connection, from FB_PAGE_ID and FB_PAGE_TOKEN in its environment. */
function ownConnection(config: EngineConfig, settings: SettingsService): PageConnection | null {
  const pageId = settings.pageId();
  const pageToken = settings.pageToken();
  return pageId && pageToken ? { graphUrl: config.graphUrl, graphVersion: settings.graphVersion(), pageId, pageToken } : null;
}

/** A worker's Graph client: its own connection if it has one, else the one the app handed out (read per call). */
function createWorkerGraph(ctx: EngineContext, config: EngineConfig, settings: SettingsService, handed: () => PageConnection | null): GraphClient {
  const conn = (): PageConnection | null => ownConnection(config, settings) ?? handed();
  return new GraphClient({
    baseUrl: () => conn()?.graphUrl ?? config.graphUrl,
    version: () => conn()?.graphVersion ?? settings.graphVersion(),
    pageId: () => conn()?.pageId ?? '',
    pageToken: () => conn()?.pageToken ?? null,
    clock: ctx.clock,
    log: ctx.log.child({ part: 'graph' }),
  });
}

export async function buildModules(ctx: EngineContext, deps: ModuleDeps): Promise<BuiltModules> {
  const { config, settings } = deps;
  const app = ctx.role === 'app';
  const modules: EngineModule[] = [];

  const webhookUrl = (): string | null => {
    const url = deps.httpUrl();
    return url ? `${url}/webhooks/facebook` : null;
  };
  const demo = app && deps.demo ? deps.demo(ctx, { webhookUrl }) : null;
  const inDemo = (): boolean => demo !== null && settings.demoMode();
  const watcher = app ? null : createConnectionWatcher({ redis: ctx.redis, keys: ctx.keys, log: ctx.log.child({ part: 'graph-connection' }), workerKey: config.workerKey });
  const graph = watcher ? createWorkerGraph(ctx, config, settings, () => watcher.view().connection) : createGraphFor(ctx, config, settings, demo);
  // The app always sends (a connected Page, or the simulator); a worker with its own connection
  // or the one the app handed out through Redis (docs/scaling.md).
  const sendsGraph = (): boolean => app || ownConnection(config, settings) !== null || watcher?.view().connection != null;

  let feed: FeedModule | null = null;
  let metrics: MetricsModule | null = null;
  let webhook: WebhookModule | null = null;
  if (app) {
    modules.push(createSettingsModule(ctx, settings));
    modules.push(createDataModule(ctx, settings));
    if (demo) modules.push(demo);
    modules.push((metrics = createMetricsModule(ctx)));
    modules.push((feed = createFeedModule(ctx)));
    modules.push(
      createConnectionPublisher({
        redis: ctx.redis, keys: ctx.keys, log: ctx.log.child({ part: 'graph-connection' }), workerKey: config.workerKey, onChange: (cb) => settings.onChange(cb),
        // After the demo module (above) started: its simulator's address is known by then.
        demo: () => (inDemo() ? { graphUrl: demo!.graphUrl(), graphVersion: settings.graphVersion(), pageId: demo!.credentials.pageId, pageToken: demo!.credentials.pageToken } : null),
        live: () => (inDemo() ? null : ownConnection(config, settings)),
      }),
    );
  } else {
    modules.push(watcher!);
  }
  // Both roles: the app publishes the model; preprocess and the classifier gear scale out.
  const model = createModelModule(ctx, { artifactDir: config.modelDir });
  modules.push(model);
  modules.push(createDeadLettersModule(ctx));
  const pipeline = createPipelineModule(ctx, {
    graph,
    sendsGraph,
    ...(watcher ? { onSendsGraphChange: (cb: () => void) => watcher.onChange(cb) } : {}),
    email: () => settings.email(),
    smtpPassword: () => settings.smtpPassword(),
    utilityTemplate: () => settings.utilityTemplate(),
    reviewThreshold: () => settings.reviewThreshold(),
    // A correction in the Events screen becomes training data for the next `npm run train`.
    onCorrection: async (c) => {
      await model.corrections.record({ commentId: c.commentId, text: c.text, intent: c.intent });
    },
    // A person deleted on request leaves the feed and the model's training data too.
    onErase: async (person) => {
      const activities = feed ? (await feed.forgetActors(person.volunteerIds)).activities : 0;
      const corrections = app ? await model.corrections.forget(person.commentIds) : 0;
      return { activities, corrections };
    },
    ...(feed ? { onActivities: pipelineActivitiesToFeed(feed, ctx.log), onActivitiesGone: pipelineActivitiesGoneFromFeed(feed, ctx.log) } : {}),
    ...(metrics ? { onMetrics: pipelineMetricsToNodes(metrics, ctx.log) } : {}),
  });
  modules.push(pipeline);
  if (app) {
    webhook = createWebhookModule(ctx, {
      appSecret: () => (inDemo() ? demo!.credentials.appSecret : settings.appSecret()),
      verifyToken: () => (inDemo() ? demo!.credentials.verifyToken : settings.verifyToken()),
      pageId: () => (inDemo() ? demo!.credentials.pageId : (settings.pageId() ?? '')),
    });
    modules.push(webhook);
    modules.push(createFacebookModule(ctx, { graph, webhook, settings }));
  }
  return { modules, feed, metrics, pipeline, webhook, demo, graph, sendsGraph, graphProblem: () => (ownConnection(config, settings) ? null : (watcher?.view().problem ?? null)) };
}
