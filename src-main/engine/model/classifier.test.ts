import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { memoryLogger } from '../log';
import { parseRedisUrl } from '../redis/endpoint';
import { intentEntry, type CommentItem, type IngestItem, type IntentEntry } from '../streams/entries';
import { readArtifact, type ModelArtifact } from './artifact';
import { selectBackend } from './backend';
import { createClassifierConsumer, type ClassifierDeps } from '../pipeline/stages/classify';
import { DEFAULT_FEATURE_SETTINGS, featureConfig } from './features';
import { buildNetwork, type IntentModel, toArtifact } from './intent-model';
import { ModelWatcher, publishModel } from './model-store';
import { PACKED_MAX_DIMS } from './packed-features';
import { createPreprocessConsumer, preprocessItem } from '../pipeline/stages/preprocess';

const ARTIFACT = path.resolve(import.meta.dirname, '../../../model/artifact');

function comment(n: number, message: string, verb: CommentItem['verb'] = 'add'): CommentItem {
  return {
    kind: 'comment', commentId: `post_${n}`, postId: 'post', parentId: 'post', verb,
    from: { id: `u${n}`, name: `Person ${n}` }, message, createdTime: 1, receivedAt: 2, pageId: 'page',
  };
}

describe('preprocess stage and classifier gear', () => {
  let t: TestRedis;
  let gears: Gears;
  let artifact: ModelArtifact;
  let watcher: ModelWatcher;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    await selectBackend('wasm');
    artifact = await readArtifact(ARTIFACT);
  });
  beforeEach(async () => {
    t = await testRedis();
    gears = new Gears(t.redis, preparedGears());
    await gears.load();
    await publishModel(t.redis, t.keys, artifact);
    watcher = new ModelWatcher({ redis: t.redis, keys: t.keys, log: memoryLogger(), checkEveryMs: 0 });
  });
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((s) => s()));
    watcher.close();
    await t.cleanup();
  });

  const base = () => ({ redis: t.redis, endpoint: parseRedisUrl(t.url), gears, keys: t.keys, log: memoryLogger() });
  const gear = (over: Partial<ClassifierDeps> = {}) => {
    const c = createClassifierConsumer({ ...base(), model: () => watcher.current(), blockMs: 50, ...over });
    stops.push(() => c.stop());
    return c;
  };

  async function addComments(items: CommentItem[]): Promise<void> {
    const features = (await watcher.current()).features;
    const p = t.redis.pipeline();
    for (const item of items) p.xadd(t.keys.streamComments, '*', 'p', JSON.stringify(preprocessItem(item, features).entry));
    await p.exec();
  }

  async function intents(): Promise<IntentEntry[]> {
    const entries = await t.redis.xrange(t.keys.streamIntents, '-', '+');
    return entries.map(([, f]) => intentEntry.parse(JSON.parse(f[1]!)));
  }

  it('preprocesses comments into features and passes every other item straight through, in one commit', async () => {
    const pre = createPreprocessConsumer({ ...base(), features: async () => (await watcher.current()).features, blockMs: 50 });
    stops.push(() => pre.stop());
    await pre.ensureGroup();
    const items: IngestItem[] = [
      comment(1, 'count me in!'),
      comment(2, 'not interested', 'edited'),
      comment(3, 'old text', 'remove'),
      comment(4, 'spam', 'hide'),
      { kind: 'message', messageId: 'mid1', psid: 'p1', text: 'yes', quickReply: 'CONFIRM', timestamp: 1, receivedAt: 2, pageId: 'page' },
      { kind: 'postback', postbackId: 'pb1', psid: 'p1', payload: 'NO', title: 'No', timestamp: 1, receivedAt: 2, pageId: 'page' },
    ];
    for (const item of items) await t.redis.xadd(t.keys.streamIngest, '*', 'p', JSON.stringify(item));
    expect(await pre.step(false)).toBe(6);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(0);
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(2);
    const passed = await intents();
    expect(passed.map((e) => e.item.kind)).toEqual(['comment', 'comment', 'message', 'postback']);
    expect(passed.every((e) => e.intent === null && e.modelVersion === null)).toBe(true);

    const batches: number[] = [];
    const c = gear({ onBatch: (b) => batches.push(b.size) });
    await c.ensureGroup();
    await c.step(false);
    expect(batches).toEqual([2]);
    const classified = (await intents()).slice(4);
    expect(classified.map((e) => [e.item.kind === 'comment' && e.item.commentId, e.intent])).toEqual([
      ['post_1', 'signup'],
      ['post_2', 'other'],
    ]);
    expect(classified[0]!.modelVersion).toBe(artifact.version);
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(0);
  });

  it('classifies whatever is waiting as one batch: one model run, one commit', async () => {
    const batches: { size: number; written: number }[] = [];
    const c = gear({ batchSize: 400, onBatch: (b) => batches.push({ size: b.size, written: b.written }) });
    await c.ensureGroup();
    await addComments(Array.from({ length: 300 }, (_, i) => comment(i, i % 2 ? 'sign me up' : 'where do we park?')));
    await c.step(false);
    expect(batches).toEqual([{ size: 300, written: 300 }]);
    const out = await intents();
    expect(out).toHaveLength(300);
    expect(out.filter((e) => e.intent === 'signup')).toHaveLength(150);
    expect(out.filter((e) => e.intent === 'question')).toHaveLength(150);
  });

  it('a worker that dies mid-batch loses nothing: a live one reclaims, every comment classified exactly once', async () => {
    // Worker A reads a batch and never comes back (its model call hangs, no ack is sent).
    let wake: (m: IntentModel) => void = () => undefined;
    const hung = new Promise<IntentModel>((r) => (wake = r));
    let aRead = 0;
    const a = gear({ batchSize: 150, model: () => hung, onBatch: () => undefined });
    const b = gear({ batchSize: 500, claimIdleMs: 50, claimEveryMs: 0 });
    await a.ensureGroup();
    await addComments(Array.from({ length: 600 }, (_, i) => comment(i, `comment number ${i}, count me in`)));
    const aStep = a.step(false).then((n) => (aRead = n));
    while ((await a.stats()).pending === 0) await new Promise((r) => setTimeout(r, 5));
    await b.step(false);
    await new Promise((r) => setTimeout(r, 80));
    while ((await b.step(false)) > 0);
    const out = await intents();
    const ids = out.map((e) => (e.item.kind === 'comment' ? e.item.commentId : ''));
    expect(new Set(ids).size).toBe(600);
    expect(ids).toHaveLength(600);
    // A's batch and the one it had read ahead.
    expect((await b.stats()).reclaimed).toBe(300);
    // A wakes up late and commits its stale batches: the gear writes nothing twice.
    wake(await watcher.current());
    await aStep;
    expect(aRead).toBe(150);
    await a.stop();
    expect(await t.redis.xlen(t.keys.streamIntents)).toBe(600);
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(0);
  });

  it('answers exactly what the model answers directly, whether features arrive packed or as a plain array', async () => {
    const model = await watcher.current();
    const texts = ['count me in!', 'is parking available?', 'take me off the list', 'not interested', "I can't not help!"];
    await addComments(texts.map((x, i) => comment(i, x)));
    // An entry written before features were packed: the plain array.
    await t.redis.xadd(t.keys.streamComments, '*', 'p', JSON.stringify({ item: comment(9, texts[0]!), features: model.featurize(texts[0]!), featureVersion: model.features.version }));
    const raw = await t.redis.xrange(t.keys.streamComments, '-', '+');
    // The shipped model's 16,384 buckets travel in the wide packed layout (`~`), an old entry as the array.
    expect(model.features.dims).toBeLessThanOrEqual(PACKED_MAX_DIMS);
    expect(raw.map(([, f]) => typeof (JSON.parse(f[1]!) as { features: unknown }).features)).toEqual([...texts.map(() => 'string'), 'object']);
    const c = gear();
    await c.ensureGroup();
    await c.step(false);
    const direct = model.classify([...texts, texts[0]!]);
    expect((await intents()).map((e) => ({ intent: e.intent, confidence: e.confidence, scores: e.scores }))).toEqual(direct.map((p) => ({ intent: p.intent, confidence: p.confidence, scores: p.scores })));
  });

  it('switches to a newly published model between batches, re-featurising comments made for the old one', async () => {
    const versions: string[] = [];
    const c = gear({ onBatch: (b) => versions.push(b.modelVersion) });
    await c.ensureGroup();
    await addComments([comment(1, 'count me in')]);
    await c.step(false);
    const features = featureConfig({ ...DEFAULT_FEATURE_SETTINGS, dims: 256 });
    const next = await toArtifact(buildNetwork(features.dims, 99), features, null);
    const v1Comment = preprocessItem(comment(2, 'is parking available?'), artifact.features).entry;
    await t.redis.xadd(t.keys.streamComments, '*', 'p', JSON.stringify(v1Comment));
    await publishModel(t.redis, t.keys, next);
    await c.step(false);
    expect(versions).toEqual([artifact.version, next.version]);
    const out = await intents();
    expect(out.map((e) => e.modelVersion)).toEqual([artifact.version, next.version]);
    expect(await t.redis.ttl(t.keys.modelVersion(artifact.version))).toBeGreaterThan(0);
  });

  it('moves a malformed comment to the dead-letter stream and classifies the rest of its batch', async () => {
    const c = gear();
    await c.ensureGroup();
    await addComments([comment(1, 'sign me up')]);
    await t.redis.xadd(t.keys.streamComments, '*', 'p', JSON.stringify({ item: comment(2, 'x'), featureVersion: 'f1' }));
    await addComments([comment(3, 'take me off the list')]);
    await c.step(false);
    expect((await intents()).map((e) => e.intent)).toEqual(['signup', 'cancel']);
    const dead = await t.redis.xrange(t.keys.streamDead, '-', '+');
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]![1][1]!)).toMatchObject({ source: t.keys.streamComments, group: 'classifier', reason: expect.stringContaining('features') });
  });

  it('keeps classifying with the loaded model when a published version cannot be loaded, until a good one is', async () => {
    const log = memoryLogger();
    const w = new ModelWatcher({ redis: t.redis, keys: t.keys, log, checkEveryMs: 0, retryBadEveryMs: 0 });
    stops.push(async () => w.close());
    const c = gear({ model: () => w.current() });
    await c.ensureGroup();
    await addComments([comment(1, 'count me in')]);
    await c.step(false);
    // Garbage under a new version, and the pointer moved to it.
    await t.redis.hset(t.keys.modelVersion('feedfacecafe'), { topology: '{"not":"a model"}', weightSpecs: '[]', weights: 'xx', features: '{}' });
    await t.redis.set(t.keys.modelCurrent, 'feedfacecafe');
    for (let i = 2; i < 5; i += 1) {
      await addComments([comment(i, 'take me off the list')]);
      await c.step(false);
    }
    const out = await intents();
    expect(out.map((e) => [e.intent, e.modelVersion])).toEqual([
      ['signup', artifact.version], ['cancel', artifact.version], ['cancel', artifact.version], ['cancel', artifact.version],
    ]);
    expect(await t.redis.xlen(t.keys.streamDead)).toBe(0);
    expect(w.problem).toMatchObject({ version: 'feedfacecafe', serving: artifact.version });
    // Tried at every batch (retryBadEveryMs 0), logged once.
    expect(log.lines.filter((l) => l.includes('cannot be loaded'))).toHaveLength(1);
    await publishModel(t.redis, t.keys, artifact);
    await addComments([comment(9, 'sign me up')]);
    await c.step(false);
    expect(w.problem).toBeNull();
    expect((await intents()).at(-1)!.modelVersion).toBe(artifact.version);
  });

  it('looks at the published version at once when asked, however recent its last look', async () => {
    await publishModel(t.redis, t.keys, artifact);
    const w = new ModelWatcher({ redis: t.redis, keys: t.keys, log: memoryLogger(), checkEveryMs: 60_000, retryBadEveryMs: 0 });
    stops.push(async () => w.close());
    expect((await w.current()).version).toBe(artifact.version);
    await t.redis.set(t.keys.modelCurrent, 'feedfacecafe');
    // Within its check interval `current` does not look again...
    await w.current();
    expect(w.problem).toBeNull();
    // ...refreshNow does (here it finds a version it cannot load, and keeps serving the loaded one).
    expect((await w.refreshNow()).version).toBe(artifact.version);
    expect(w.problem).toMatchObject({ version: 'feedfacecafe', serving: artifact.version });
  });

  it('a worker whose first published model is unloadable waits for a good one instead of failing its batches', async () => {
    await t.redis.set(t.keys.modelCurrent, 'feedfacecafe');
    const w = new ModelWatcher({ redis: t.redis, keys: t.keys, log: memoryLogger(), checkEveryMs: 0, retryBadEveryMs: 0 });
    stops.push(async () => w.close());
    let settled = false;
    const got = w.current().then((m) => {
      settled = true;
      return m;
    });
    await new Promise((r) => setTimeout(r, 700));
    expect(settled).toBe(false);
    expect(w.problem).toMatchObject({ version: 'feedfacecafe', serving: null, reason: expect.stringContaining('not in Redis') });
    await publishModel(t.redis, t.keys, artifact);
    expect((await got).version).toBe(artifact.version);
    expect(w.problem).toBeNull();
  });
});
