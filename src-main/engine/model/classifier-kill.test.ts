import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { memoryLogger } from '../log';
import { parseRedisUrl } from '../redis/endpoint';
import { intentEntry } from '../streams/entries';
import { readArtifact } from './artifact';
import { selectBackend } from './backend';
import { CLASSIFIER_GROUP, createClassifierConsumer } from '../pipeline/stages/classify';
import { ModelWatcher, publishModel } from './model-store';
import { preprocessItem } from '../pipeline/stages/preprocess';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const COUNT = 3000;

describe('classifier gear worker killed with SIGKILL under load', () => {
  let t: TestRedis;
  let child: ChildProcess | null = null;
  beforeEach(async () => {
    t = await testRedis();
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    await t.cleanup();
  });

  it('loses nothing: a live worker reclaims its batch and every comment is classified exactly once', async () => {
    await selectBackend('wasm');
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    const artifact = await readArtifact(path.join(ROOT, 'model/artifact'));
    await publishModel(t.redis, t.keys, artifact);
    for (let i = 0; i < COUNT; i += 500) {
      const p = t.redis.pipeline();
      for (let n = i; n < i + 500; n += 1) {
        const item = {
          kind: 'comment' as const, commentId: `post_${n}`, postId: 'post', parentId: 'post', verb: 'add' as const,
          from: { id: `u${n}`, name: `P ${n}` }, message: n % 3 ? 'count me in!' : 'is parking available?', createdTime: 1, receivedAt: 2, pageId: 'page',
        };
        p.xadd(t.keys.streamComments, '*', 'p', JSON.stringify(preprocessItem(item, artifact.features).entry));
      }
      await p.exec();
    }

    // node itself with tsx as a loader: the killed process IS the worker (the tsx launcher
    // would run the worker in a child process that outlives a SIGKILL of the launcher).
    child = spawn(process.execPath, ['--import', 'tsx', 'src-main/engine/model/testing/gear-worker-child.ts'], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: t.url, VT_PREFIX: t.prefix, VT_BATCH: '200', VT_HOLD_MS: '40' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((r) => child!.once('exit', (_code, signal) => r(signal)));
    // Kill it while it holds a batch (read, not yet committed) after it has committed some.
    for (;;) {
      const [pending, written] = await Promise.all([t.redis.call('XPENDING', t.keys.streamComments, CLASSIFIER_GROUP).catch(() => [0]), t.redis.xlen(t.keys.streamIntents)]);
      if (Number((pending as unknown[])[0]) > 0 && written >= 400) break;
      if (written >= COUNT) throw new Error('the worker finished before it could be killed; raise COUNT or VT_HOLD_MS');
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const pendingAtDeath = Number(((await t.redis.call('XPENDING', t.keys.streamComments, CLASSIFIER_GROUP)) as unknown[])[0]);
    expect(pendingAtDeath).toBeGreaterThan(0);

    const watcher = new ModelWatcher({ redis: t.redis, keys: t.keys, log: memoryLogger() });
    const live = createClassifierConsumer({
      redis: t.redis, endpoint: parseRedisUrl(t.url), gears, keys: t.keys, log: memoryLogger(), model: () => watcher.current(),
      batchSize: 500, claimIdleMs: 100, claimEveryMs: 0,
    });
    await live.ensureGroup();
    while ((await t.redis.xlen(t.keys.streamIntents)) < COUNT) {
      if ((await live.step(false)) === 0) await new Promise((r) => setTimeout(r, 50));
    }
    watcher.close();
    expect((await live.stats()).reclaimed).toBe(pendingAtDeath);

    const out = (await t.redis.xrange(t.keys.streamIntents, '-', '+')).map(([, f]) => intentEntry.parse(JSON.parse(f[1]!)));
    const ids = out.map((e) => (e.item.kind === 'comment' ? e.item.commentId : ''));
    expect(ids).toHaveLength(COUNT);
    expect(new Set(ids).size).toBe(COUNT);
    expect(out.filter((e) => e.intent === 'question')).toHaveLength(COUNT / 3);
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(0);
    expect((await live.stats()).pending).toBe(0);
  });
});
