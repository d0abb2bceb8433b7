/**
 * A classifier gear worker as its own process, for the test that kills one with SIGKILL.
 * Env: REDIS_URL, VT_PREFIX, VT_BATCH (batch size), VT_HOLD_MS (time each batch is held before
 * its commit, so a kill lands mid-batch). Prints "ready" once consuming.
 * Gear versions are computed from the Lua files as the engine does (tsx cannot import `?raw`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Gears, prepareGear } from '../../gears/loader';
import { createKeys } from '../../keys';
import { createLogger } from '../../log';
import { parseRedisUrl } from '../../redis/endpoint';
import { selectBackend } from '../backend';
import { createClassifierConsumer } from '../../pipeline/stages/classify';
import { ModelWatcher } from '../model-store';

const root = path.resolve(import.meta.dirname, '../../../..');
const lua = (file: string): string => readFileSync(path.join(root, 'gears', file), 'utf8');
const includes = { 'version.lua': lua('includes/version.lua'), 'commit.lua': lua('includes/commit.lua') };

const url = process.env.REDIS_URL!;
const keys = createKeys(process.env.VT_PREFIX!);
const hold = Number(process.env.VT_HOLD_MS ?? 0);
const redis = new Redis(url, { maxRetriesPerRequest: null });
const log = createLogger({ level: 'error' });
const gears = new Gears(redis, [
  prepareGear({ name: 'vt_classifier', source: lua('classifier.lua') }, includes),
  prepareGear({ name: 'vt_streams', source: lua('streams.lua') }, includes),
]);

await selectBackend('wasm');
const watcher = new ModelWatcher({ redis, keys, log });
const gear = createClassifierConsumer({
  redis, endpoint: parseRedisUrl(url), gears, keys, log, batchSize: Number(process.env.VT_BATCH ?? 200), blockMs: 100,
  model: async () => {
    const m = await watcher.current();
    if (hold) await new Promise((r) => setTimeout(r, hold));
    return m;
  },
});
await gear.start();
process.stdout.write('ready\n');
