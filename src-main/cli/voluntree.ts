import path from 'node:path';
import { configFromEnv, ConfigError, type EngineConfig } from '../engine/config';
import { createEngine, type Engine } from '../engine/engine';
import { createLogger, type Logger } from '../engine/log';
import type { EngineRole } from '../engine/module';
import { RedisBinaryNotFoundError } from '../engine/redis/find-binary';
import { rebuildFeeds } from './rebuild-feeds';
import { stopOnSignals } from './stop-on-signals';
import { startBanner } from './start-banner';
import { createDemoModule } from '../simulator/demo';

const USAGE = `Usage: voluntree <command>

Commands:
  serve    Run Voluntree in browser mode: the engine plus the coordinator's UI on 127.0.0.1.
  worker   Run only the scalable workers (preprocess, classifier, reply, notify, email)
           against a shared Redis given by REDIS_URL.
  rebuild-feeds
           Regenerate every activity feed from the stored activities (after Redis lost
           data). Asks the running app (VOLUNTREE_PORT or VOLUNTREE_URL, with
           VOLUNTREE_TOKEN) when one is running; otherwise works on the data folder itself.
  help     Show this text.

Configuration is by environment variables; see the README's configuration table.
\`voluntree worker --help\` says what a worker runs and needs.`;

export const WORKER_USAGE = `Usage: REDIS_URL=redis://… voluntree worker

Runs the parts of Voluntree that scale out, beside the app, against the app's Redis:
  preprocess and classifier   always (the intent model is loaded from Redis, where the app
                              publishes the one in use)
  reply and notify            only with the Page connection: in demo mode the app's simulator
                              (same machine); in live mode the app's, sealed in Redis with
                              VOLUNTREE_WORKER_KEY, or its own FB_PAGE_ID and FB_PAGE_TOKEN.
                              Without one it leaves them to the app; it stops taking them
                              within a second when the connection goes away
  email                       only with SMTP settings in its own data folder
The recorder, publishing, the data files, the webhook and the tunnel stay in the app.

Needs:
  REDIS_URL            the app's Redis (redis:// or rediss:// with TLS; an ACL user in the URL)
  VOLUNTREE_DATA_DIR   a folder of its own (its log; never the app's data folder)
  VOLUNTREE_WORKER_KEY the app's key (the same value), to send replies and updates as well
  FB_PAGE_ID, FB_PAGE_TOKEN   optional instead: a Page connection of its own

See it: the app's /healthz lists every live process ("processes") with its heartbeat, whether it
sends through Facebook and the stream entries it holds. More in docs/scaling.md.`;

/** Where the built bundle sits: out/main/cli.js. The renderer and the model are found from here. */
const here = import.meta.dirname;

const defaults: Partial<EngineConfig> = {
  rendererDir: path.resolve(here, '..', 'renderer'),
  modelDir: path.resolve(here, '..', '..', 'model', 'artifact'),
};

function buildConfig(role: EngineRole): EngineConfig {
  const config = configFromEnv(process.env, defaults);
  if (role === 'worker' && !config.redisUrl) {
    throw new ConfigError(
      'voluntree worker needs REDIS_URL: the Redis the app uses (workers on other machines share the load through it).',
    );
  }
  return config;
}

async function run(role: EngineRole): Promise<void> {
  const config = buildConfig(role);
  const explicitPort = process.env.VOLUNTREE_PORT !== undefined;
  // A person at a terminal reads short lines; a service manager gets JSON lines.
  const log: Logger = createLogger({ format: process.stderr.isTTY ? 'pretty' : 'json' });
  let engine: Engine = createEngine({ demo: createDemoModule, config, role, log });
  // `engine` is replaced when the default port is taken, so stop whichever one is current.
  stopOnSignals({ stop: () => engine.stop(), write: (t) => process.stdout.write(t), exit: (c) => process.exit(c) });
  try {
    await engine.start();
  } catch (err) {
    await engine.stop().catch(() => undefined);
    if (role === 'app' && !explicitPort && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      // The default port is taken (another copy running?): use any free port instead.
      engine = createEngine({ demo: createDemoModule, config: { ...config, port: 0 }, role, log });
      await engine.start();
    } else {
      throw err;
    }
  }
  if (role === 'app') {
    process.stdout.write(startBanner({ demo: engine.settings?.demoMode() ?? false, url: engine.httpUrl ?? '', token: engine.token ?? '', dataDir: config.dataDir }));
  } else {
    process.stdout.write('Voluntree worker is running. Press Ctrl-C to stop.\n');
  }
}

export async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  try {
    if (command === 'serve') await run('app');
    else if (command === 'worker' && (argv.includes('--help') || argv.includes('-h'))) process.stdout.write(`${WORKER_USAGE}\n`);
    else if (command === 'worker') await run('worker');
    else if (command === 'rebuild-feeds') {
      const log = createLogger({ format: process.stderr.isTTY ? 'pretty' : 'json', level: 'warn' });
      const r = await rebuildFeeds(process.env, log, defaults);
      const where = r.via === 'app' ? 'by the running app' : 'with the app stopped';
      process.stdout.write(`Feeds rebuilt ${where}: ${r.activities} activities, ${r.follows} follows, in ${r.tookMs} ms.\n`);
    }
    else {
      process.stdout.write(`${USAGE}\n`);
      return command === 'help' || command === '--help' || command === '-h' ? 0 : 2;
    }
    return 0;
  } catch (err) {
    if (err instanceof RedisBinaryNotFoundError || err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
    } else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`The port is already in use: ${(err as Error).message}. Set VOLUNTREE_PORT to another port.\n`);
    } else {
      process.stderr.write(`Voluntree could not start: ${(err as Error).message}\n`);
    }
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
