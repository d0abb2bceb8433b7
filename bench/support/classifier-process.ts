// One classifier consumer in a process of its own, as a `voluntree worker` runs it: it loads the
// model from Redis, joins the classifier group, says "ready", waits for "go" on stdin, then
// drains the comments stream until SIGTERM, and prints the CPU it used as JSON on the way out.
// Used by bench/workers.bench.test.ts; not part of the product.
import { Redis } from 'ioredis';
import { preparedGears } from '../../src-main/engine/gears/libraries';
import { Gears } from '../../src-main/engine/gears/loader';
import { createKeys } from '../../src-main/engine/keys';
import { memoryLogger } from '../../src-main/engine/log';
import { selectBackend } from '../../src-main/engine/model/backend';
import { createClassifierConsumer } from '../../src-main/engine/pipeline/stages/classify';
import { ModelWatcher } from '../../src-main/engine/model/model-store';
import { parseRedisUrl } from '../../src-main/engine/redis/endpoint';

const url = process.env.BENCH_REDIS_URL;
const prefix = process.env.BENCH_PREFIX;
if (!url || !prefix) throw new Error('BENCH_REDIS_URL and BENCH_PREFIX are required');

await selectBackend();
const redis = new Redis(url, { maxRetriesPerRequest: null });
const keys = createKeys(prefix);
const gears = new Gears(redis, preparedGears());
const watcher = new ModelWatcher({ redis, keys, log: memoryLogger() });
await watcher.current();
const gear = createClassifierConsumer({ redis, endpoint: parseRedisUrl(url), gears, keys, log: memoryLogger(), model: () => watcher.current(), batchSize: 256 });
await gear.ensureGroup();

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
await new Promise<void>((resolve) => {
  process.stdin.on('data', (d) => {
    if (String(d).includes('go')) resolve();
  });
  process.stdout.write('ready\n');
});
const cpu0 = process.cpuUsage();
let done = 0;
while (!stopping) {
  const n = await gear.step(false);
  done += n;
  if (n === 0) await new Promise((r) => setTimeout(r, 5));
}
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ done, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
await gear.stop();
watcher.close();
redis.disconnect();
process.exit(0);
