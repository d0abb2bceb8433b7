import { createDemoModule, type DemoModule } from '../simulator/demo';
import type { EngineConfig } from './config';
import { createDataModule } from './data/data-module';
import type { Engine } from './engine';
import { GraphClient } from './facebook/graph-client';
import { createFacebookModule } from './facebook/facebook-module';
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
  engine: Engine;
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
  demo: DemoModule | null;
  graph: GraphClient;
}

/**
 * The Graph client as the app wires it: the built-in simulator while no Page is connected,
 * otherwise Facebook with the Settings' Page, token, App ID and App Secret (read per call, so a
 * change in Settings applies at once).
 */
export function createGraphFor(ctx: EngineContext, config: EngineConfig, settings: SettingsService, demo: Pick<DemoModule, 'graphUrl' | 'credentials'> | null): GraphClient {
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
/** Whether a process sends through the Graph API: the app always; a worker only with its own Page connection. */
export function sendsGraph(role: EngineContext['role'], settings: SettingsService): boolean {
  return role === 'app' || Boolean(settings.pageId() && settings.pageToken());
}

export async function buildModules(ctx: EngineContext, deps: ModuleDeps): Promise<BuiltModules> {
  const { config, settings } = deps;
  const app = ctx.role === 'app';
  const modules: EngineModule[] = [];

  const demo = app ? createDemoModule(ctx, { webhookUrl: () => (deps.engine.httpUrl ? `${deps.engine.httpUrl}/webhooks/facebook` : null) }) : null;
  const inDemo = (): boolean => demo !== null && settings.demoMode();
  const graph = createGraphFor(ctx, config, settings, demo);

  let feed: FeedModule | null = null;
  let metrics: MetricsModule | null = null;
  let webhook: WebhookModule | null = null;
  if (app) {
    modules.push(createSettingsModule(ctx, settings));
    modules.push(createDataModule(ctx, settings));
    modules.push(demo!);
    modules.push((metrics = createMetricsModule(ctx)));
    modules.push((feed = createFeedModule(ctx)));
  }
  // Both roles: the app publishes the model; preprocess and the classifier gear scale out.
  modules.push(createModelModule(ctx, { artifactDir: config.modelDir }));
  const pipeline = createPipelineModule(ctx, {
    graph,
    // A worker sends through Graph only with its own Page connection (FB_PAGE_ID and
    // FB_PAGE_TOKEN in its environment); see docs/scaling.md.
    sendsGraph: () => sendsGraph(ctx.role, settings),
    email: () => settings.email(),
    smtpPassword: () => settings.smtpPassword(),
    utilityTemplate: () => settings.utilityTemplate(),
    reviewThreshold: () => settings.reviewThreshold(),
    // A correction in the Events screen becomes training data for the next `npm run train`.
    onCorrection: async (c) => {
      await deps.engine.call('model.correct', { commentId: c.commentId, text: c.text, intent: c.intent });
    },
    // A person deleted on request leaves the feed and the model's training data too.
    onErase: async (person) => {
      const activities = feed ? (await feed.forgetActors(person.volunteerIds)).activities : 0;
      const corrections = app ? ((await deps.engine.call('model.forgetCorrections', { commentIds: person.commentIds })) as { removed: number }).removed : 0;
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
  return { modules, feed, metrics, pipeline, webhook, demo, graph };
}
