import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestRedis } from '../../../test/support/redis';
import { ManualClock } from '../clock';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { LiveBus } from '../live';
import { memoryLogger } from '../log';
import type { EngineContext } from '../module';
import { QueueFactory } from '../queues/factory';
import { parseRedisUrl } from '../redis/endpoint';
import { Store } from '../store/store';
import { createMetricsModule, type MetricsModule } from './module';
import type { MetricsOptions, MetricsService } from './service';

export interface MetricsHarness {
  module: MetricsModule;
  service: MetricsService;
  clock: ManualClock;
  log: ReturnType<typeof memoryLogger>;
  dataDir: string;
  /** Stops the module and its queues; `keepData` leaves the data folder for a reopen. */
  close(keepData?: boolean): Promise<void>;
}

/**
 * A metrics module wired as the engine wires it, on a test's Redis prefix, with a manual
 * clock and a throwaway data folder. Tests only.
 */
export async function startMetricsHarness(
  t: TestRedis,
  opts: MetricsOptions & { clock?: ManualClock; dataDir?: string } = {},
): Promise<MetricsHarness> {
  const clock = opts.clock ?? new ManualClock();
  const log = memoryLogger();
  const gears = new Gears(t.redis, preparedGears());
  await gears.load();
  const redisEndpoint = parseRedisUrl(t.url);
  const queues = new QueueFactory(redisEndpoint, t.keys.bullPrefix, log);
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'vt-metrics-'));
  const ctx: EngineContext = {
    role: 'app',
    log,
    clock,
    keys: t.keys,
    redis: t.redis,
    redisEndpoint,
    gears,
    store: new Store(dataDir, log),
    live: new LiveBus(t.redis, null, t.keys.liveChannel, clock, log),
    queues,
    dataDir,
  };
  const module = createMetricsModule(ctx, opts);
  await module.start();
  return {
    module,
    service: module.service!,
    clock,
    log,
    dataDir,
    async close(keepData = false) {
      await module.stop();
      await queues.closeAll();
      // A history write may still be on its way to disk: let it land before the folder goes.
      await ctx.store!.flush();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
