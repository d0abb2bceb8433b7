import type { EngineConfig } from './config';
import type { Engine } from './engine';
import type { EngineContext, EngineModule } from './module';
import { createDataModule } from './data/data-module';
import { createSettingsModule, type SettingsService } from './settings/settings-module';

export interface ModuleDeps {
  config: EngineConfig;
  settings: SettingsService;
  engine: Engine;
}

/** The modules and the services they offer each other. */
export interface BuiltModules {
  modules: EngineModule[];
}

/**
 * The composition root's list: which modules run, in which order, with which collaborators.
 * Workers (role `worker`) get only the horizontally scalable parts.
 */
export async function buildModules(ctx: EngineContext, deps: ModuleDeps): Promise<BuiltModules> {
  const modules: EngineModule[] = [];
  if (ctx.role === 'app') {
    modules.push(createSettingsModule(ctx, deps.settings));
    modules.push(createDataModule(ctx, deps.settings));
  }
  return { modules };
}
