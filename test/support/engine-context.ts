import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, type Clock } from '../../src-main/engine/clock';
import { preparedGears } from '../../src-main/engine/gears/libraries';
import { Gears } from '../../src-main/engine/gears/loader';
import { LiveBus } from '../../src-main/engine/live';
import { memoryLogger } from '../../src-main/engine/log';
import type { EngineContext } from '../../src-main/engine/module';
import { QueueFactory } from '../../src-main/engine/queues/factory';
import { parseRedisUrl } from '../../src-main/engine/redis/endpoint';
import type { TestRedis } from './redis';

/** A real engine context on the test's Redis prefix (no store), for module tests. */
export async function engineContext(t: TestRedis, clock: Clock = new ManualClock()): Promise<EngineContext & { log: ReturnType<typeof memoryLogger> }> {
  const log = memoryLogger();
  const gears = new Gears(t.redis, preparedGears());
  await gears.load();
  const endpoint = parseRedisUrl(t.url);
  return {
    role: 'app',
    log,
    clock,
    keys: t.keys,
    redis: t.redis,
    redisEndpoint: endpoint,
    gears,
    store: null,
    live: new LiveBus(t.redis, null, t.keys.liveChannel, clock, log),
    queues: new QueueFactory(endpoint, t.keys.bullPrefix, log),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'vt-test-')),
  };
}
