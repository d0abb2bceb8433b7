// Classifier gear throughput: comments per second through the whole gear (XREADGROUP, parse,
// model run, one vt_classify commit) with batches of whatever is waiting (up to 256), against
// the same gear running the model (and committing) one comment at a time, in the same run.
// Also: the CPU the batched gear costs per comment (this process and Redis), the model alone
// (batched vs one per run), the artifact's size and its load times.
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { preparedGears } from '../src-main/engine/gears/libraries';
import { Gears } from '../src-main/engine/gears/loader';
import { memoryLogger } from '../src-main/engine/log';
import { readArtifact, type ModelArtifact } from '../src-main/engine/model/artifact';
import { selectBackend } from '../src-main/engine/model/backend';
import { createClassifierConsumer } from '../src-main/engine/pipeline/stages/classify';
import { IntentModel } from '../src-main/engine/model/intent-model';
import { fetchModel, ModelWatcher, publishModel } from '../src-main/engine/model/model-store';
import { preprocessItem } from '../src-main/engine/pipeline/stages/preprocess';
import { parseRedisUrl } from '../src-main/engine/redis/endpoint';
import type { CommentItem } from '../src-main/engine/streams/entries';
import { readLabelled } from '../src-main/engine/model/training/data';
import { testRedis, type TestRedis } from '../test/support/redis';
import { reportFigures, type BenchRow } from './support/report';

const ARTIFACT = path.resolve(import.meta.dirname, '../model/artifact');
const BATCHED = 20_000;
const SINGLE = 1_000;
const TIME_LIMIT_MS = 20_000;

const texts = readLabelled(path.resolve(import.meta.dirname, '../model/data/test.jsonl')).map((r) => r.text);

function item(n: number): CommentItem {
  return {
    kind: 'comment', commentId: `post_${n}`, postId: 'post', parentId: 'post', verb: 'add',
    from: { id: `u${n}`, name: `Person ${n}` }, message: texts[n % texts.length]!, createdTime: 1, receivedAt: 2, pageId: 'page',
  };
}

describe('classifier gear', () => {
  let t: TestRedis;
  let gears: Gears;
  let artifact: ModelArtifact;
  let watcher: ModelWatcher;
  let backend = '';
  const rows: BenchRow[] = [];

  beforeAll(async () => {
    backend = await selectBackend();
    t = await testRedis();
    gears = new Gears(t.redis, preparedGears());
    await gears.load();
    artifact = await readArtifact(ARTIFACT);
    await publishModel(t.redis, t.keys, artifact);
    watcher = new ModelWatcher({ redis: t.redis, keys: t.keys, log: memoryLogger() });
    await watcher.current();
  });
  afterAll(async () => {
    watcher.close();
    await t.cleanup();
    reportFigures(`Classifier gear (${backend} backend)`, rows);
  });

  async function fill(count: number, from: number): Promise<void> {
    for (let i = 0; i < count; i += 1000) {
      const p = t.redis.pipeline();
      for (let j = i; j < Math.min(count, i + 1000); j += 1) {
        p.xadd(t.keys.streamComments, '*', 'p', JSON.stringify(preprocessItem(item(from + j), artifact.features).entry));
      }
      await p.exec();
    }
  }

  /** CPU seconds Redis has used so far (the run's own redis-server: only this bench uses it). */
  async function redisCpu(): Promise<number> {
    const info = await t.redis.info('cpu');
    const field = (name: string): number => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return field('used_cpu_user') + field('used_cpu_sys');
  }

  /**
   * Drains the stream through one gear. Besides comments/s (which on a shared machine mostly
   * says how busy it was), reports the CPU spent per 1,000 comments by this process and by
   * Redis, which varies much less with the load of other processes.
   */
  async function drain(batchSize: number, count: number): Promise<{ rate: number; engineCpuMs: number; redisCpuMs: number }> {
    const gear = createClassifierConsumer({
      redis: t.redis, endpoint: parseRedisUrl(t.url), gears, keys: t.keys, log: memoryLogger(), model: () => watcher.current(), batchSize,
    });
    await gear.ensureGroup();
    let done = 0;
    const cpu0 = process.cpuUsage();
    const redis0 = await redisCpu();
    const started = performance.now();
    while (done < count && performance.now() - started < TIME_LIMIT_MS) done += await gear.step(false);
    await gear.stop();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const redisMs = ((await redisCpu()) - redis0) * 1000;
    const per1000 = (ms: number): number => Math.round((ms / done) * 1000 * 10) / 10;
    return { rate: done / seconds, engineCpuMs: per1000((cpu.user + cpu.system) / 1000), redisCpuMs: per1000(redisMs) };
  }

  it('measures comments/s through the gear, batched vs one comment per model run', async () => {
    await fill(SINGLE, 0);
    const single = (await drain(1, SINGLE)).rate;
    await t.redis.del(t.keys.streamComments, t.keys.streamIntents);
    await fill(BATCHED, SINGLE);
    const run = await drain(256, BATCHED);
    const batched = run.rate;
    rows.push({
      measure: 'gear: comments/s, batches of up to 256 (read+model+commit)',
      value: Math.round(batched),
      unit: 'comments/s',
      baseline: { label: 'one comment per model run', value: Math.round(single) },
      target: '>= 10x baseline and >= 50,000/s',
      met: batched >= 10 * single && batched >= 50_000,
    });
    rows.push({ measure: 'gear: speed-up batched vs one at a time', value: Math.round((batched / single) * 10) / 10, unit: 'x' });
    rows.push({ measure: 'gear: CPU per 1,000 comments, batched (engine process)', value: run.engineCpuMs, unit: 'ms' });
    rows.push({ measure: 'gear: CPU per 1,000 comments, batched (redis-server)', value: run.redisCpuMs, unit: 'ms' });
  });

  it('measures the model alone, batched vs one comment per run', async () => {
    const model = await watcher.current();
    const features = texts.slice(0, 256).map((x) => model.featurize(x));
    for (let i = 0; i < 5; i += 1) model.predictSparse(features);
    let n = 0;
    let started = performance.now();
    while (performance.now() - started < 2000) {
      model.predictSparse(features);
      n += features.length;
    }
    const batched = n / ((performance.now() - started) / 1000);
    n = 0;
    started = performance.now();
    while (performance.now() - started < 2000) {
      model.predictSparse([features[n % features.length]!]);
      n += 1;
    }
    const single = n / ((performance.now() - started) / 1000);
    rows.push({ measure: 'model only: comments/s, batch of 256', value: Math.round(batched), unit: 'comments/s', baseline: { label: 'batch of 1', value: Math.round(single) } });
    started = performance.now();
    for (let i = 0; i < 2000; i += 1) model.featurize(texts[i % texts.length]!);
    rows.push({ measure: 'preprocess: featurize comments/s (one core)', value: Math.round(2000 / ((performance.now() - started) / 1000)), unit: 'comments/s' });
  });

  it('measures the model size and load times', async () => {
    rows.push({ measure: 'model: weights size', value: Math.round(artifact.weights.byteLength / 1024), unit: 'KiB' });
    let started = performance.now();
    const fromDisk = await IntentModel.load(await readArtifact(ARTIFACT));
    rows.push({ measure: 'model: load from disk (read, verify, build)', value: Math.round((performance.now() - started) * 10) / 10, unit: 'ms' });
    fromDisk.dispose();
    started = performance.now();
    const fromRedis = await IntentModel.load(await fetchModel(t.redis, t.keys, artifact.version));
    rows.push({ measure: 'model: load from Redis (fetch, verify, build)', value: Math.round((performance.now() - started) * 10) / 10, unit: 'ms' });
    fromRedis.dispose();
  });
});
