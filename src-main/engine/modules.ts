import type { EngineConfig } from './config';
import type { Engine } from './engine';
import type { EngineContext, EngineModule } from './module';
import { createDataModule } from './data/data-module';
import { createMetricsModule } from './metrics/module';
import { createFeedModule, type FeedModule } from './feed/feed-module';
import { createSettingsModule, type SettingsService } from './settings/settings-module';

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
}

/**
 * The composition root's list: which modules run, in which order, with which collaborators.
 * Workers (role `worker`) get only the horizontally scalable parts.
 */
export async function buildModules(ctx: EngineContext, deps: ModuleDeps): Promise<BuiltModules> {
  const modules: EngineModule[] = [];
  let feed: FeedModule | null = null;
  if (ctx.role === 'app') {
    modules.push(createSettingsModule(ctx, deps.settings));
    modules.push(createDataModule(ctx, deps.settings));
    modules.push(createMetricsModule(ctx));
    modules.push((feed = createFeedModule(ctx)));
  }
  return { modules, feed };
}
