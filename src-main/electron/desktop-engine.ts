import type { EngineConfig } from '../engine/config';
import { createEngine, type Engine } from '../engine/engine';
import type { Logger } from '../engine/log';
import type { SecretStore } from '../engine/settings/secret-store';
import { createDemoModule } from '../simulator/demo';

/**
 * Starts the engine for the desktop app. When the configured HTTP port is taken (browser mode
 * or another tool on it) and the port was not set explicitly, it takes any free port: the
 * window talks over IPC, and the tunnel follows whatever port the webhook server has.
 */
export async function startDesktopEngine(opts: { config: EngineConfig; log: Logger; secrets: SecretStore; portIsExplicit: boolean }): Promise<Engine> {
  let engine = createEngine({ demo: createDemoModule, config: opts.config, role: 'app', log: opts.log, secrets: opts.secrets });
  try {
    await engine.start();
    return engine;
  } catch (err) {
    await engine.stop().catch(() => undefined);
    if (opts.portIsExplicit || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    opts.log.info('the HTTP port is taken; using a free one', { port: opts.config.port });
    engine = createEngine({ demo: createDemoModule, config: { ...opts.config, port: 0 }, role: 'app', log: opts.log, secrets: opts.secrets });
    try {
      await engine.start();
      return engine;
    } catch (again) {
      await engine.stop().catch(() => undefined);
      throw again;
    }
  }
}
