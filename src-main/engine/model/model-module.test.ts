import { createDeadLettersModule } from '../pipeline/dead-letters/dead-letters-module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../contract/system';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { ManualClock } from '../clock';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { ingestDeliveries } from '../pipeline/stages/ingest';
import { LiveBus } from '../live';
import { memoryLogger } from '../log';
import type { CallContext, EngineContext, EngineModule } from '../module';
import { QueueFactory } from '../queues/factory';
import { parseRedisUrl } from '../redis/endpoint';
import { Store } from '../store/store';
import { intentEntry, type CommentItem, type IntentEntry } from '../streams/entries';
import { readArtifact } from './artifact';
import { createModelModule } from './model-module';

const ARTIFACT = path.resolve(import.meta.dirname, '../../../model/artifact');
const call: CallContext = { via: 'internal' };

describe('model module', () => {
  let t: TestRedis;
  let dataDir: string;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    t = await testRedis();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vt-model-'));
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await t.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function context(role: 'app' | 'worker'): Promise<EngineContext> {
    const log = memoryLogger();
    const clock = new ManualClock();
    const endpoint = parseRedisUrl(t.url);
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    const sub = new Redis(t.url, { maxRetriesPerRequest: null });
    const live = new LiveBus(t.redis, sub, t.keys.liveChannel, clock, log);
    await live.start();
    const queues = new QueueFactory(endpoint, t.keys.bullPrefix, log);
    closers.push(async () => {
      await queues.closeAll();
      await live.stop();
      sub.disconnect();
    });
    const store = role === 'app' ? new Store(dataDir, log) : null;
    return { role, log, clock, keys: t.keys, redis: t.redis, redisEndpoint: endpoint, gears, store, live, queues, dataDir };
  }

  async function started<M extends EngineModule>(m: M): Promise<M> {
    await m.start?.();
    closers.push(async () => m.stop?.());
    return m;
  }

  function delivery(n: number, message: string) {
    const item: CommentItem = {
      kind: 'comment', commentId: `post_${n}`, postId: 'post', parentId: 'post', verb: 'add',
      from: { id: `u${n}`, name: `P ${n}` }, message, createdTime: 1, receivedAt: 2, pageId: 'page',
    };
    return { dedupeId: `c:${n}`, payload: JSON.stringify(item) };
  }

  async function waitForIntents(n: number): Promise<IntentEntry[]> {
    for (;;) {
      const entries = await t.redis.xrange(t.keys.streamIntents, '-', '+');
      if (entries.length >= n) return entries.map(([, f]) => intentEntry.parse(JSON.parse(f[1]!)));
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('publishes the artifact, runs preprocess and the gear, and answers its requests', async () => {
    const artifact = await readArtifact(ARTIFACT);
    const ctx = await context('app');
    const m = await started(createModelModule(ctx, { artifactDir: ARTIFACT }));
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(artifact.version);

    await ingestDeliveries(ctx.gears, t.keys, [delivery(1, 'count me in!'), delivery(2, 'not interested'), delivery(3, 'where do we park?')]);
    const out = await waitForIntents(3);
    expect(out.map((e) => e.intent)).toEqual(['signup', 'other', 'question']);

    const classified = await m.handlers!['model.classify']!({ texts: ['take me off the list'] }, call);
    expect(classified[0]).toMatchObject({ text: 'take me off the list', intent: 'cancel' });

    await m.handlers!['model.correct']!({ commentId: 'post_2', text: 'not interested', intent: 'other' }, call);
    await m.handlers!['model.correct']!({ commentId: 'post_2', text: 'not interested', intent: 'other' }, call);
    await ctx.store!.flush();
    const saved = JSON.parse(await readFile(path.join(dataDir, 'corrections.json'), 'utf8')) as unknown[];
    expect(saved).toHaveLength(1);
    // A deleted person's corrections go, text and label; others' stay.
    await m.handlers!['model.correct']!({ commentId: 'post_3', text: 'where do we park?', intent: 'question' }, call);
    expect(await m.corrections.forget(['post_3', 'post_unknown'])).toBe(1);
    expect(await m.corrections.forget(['post_3'])).toBe(0);
    await ctx.store!.flush();
    expect(await readFile(path.join(dataDir, 'corrections.json'), 'utf8')).not.toContain('where do we park');

    const info = await m.handlers!['model.info']!({}, call);
    expect(info).toMatchObject({ version: artifact.version, loadedVersion: artifact.version, backend: expect.any(String), corrections: 1 });
    expect(info.summary?.macroF1).toBe(artifact.summary!.macroF1);

    const report = { model: { version: null }, streams: {}, problems: [] } as unknown as HealthReport;
    await m.health!(report);
    expect(report.model.version).toBe(artifact.version);
    expect(report.problems).toEqual([]);
    expect(report.streams['stream:comments']).toEqual({ length: 0, pending: 0 });
  });

  it('in a worker: uses the model the app published, never replaces it, and refuses corrections', async () => {
    const app = await context('app');
    await started(createModelModule(app, { artifactDir: ARTIFACT }));
    const worker = await context('worker');
    const w = await started(createModelModule(worker, { artifactDir: path.join(dataDir, 'no-artifact-here') }));
    const info = await w.handlers!['model.info']!({}, call);
    expect(info.loadedVersion).toBe(info.version);
    await expect(w.handlers!['model.correct']!({ commentId: 'c', text: 'x', intent: 'other' }, call)).rejects.toThrow(/Voluntree app/);
  });

  it('in the app: refuses to start without any model, saying how to get one', async () => {
    const ctx = await context('app');
    const m = createModelModule(ctx, { artifactDir: path.join(dataDir, 'missing') });
    closers.push(async () => m.stop?.());
    await expect(m.start!()).rejects.toThrow(/model.json is missing.*npm run train/);
  });

  it('lists what no stage could process, says so in health, and retries or discards it from the dead-letter stream', async () => {
    const ctx = await context('app');
    await started(createModelModule(ctx, { artifactDir: ARTIFACT, claimEveryMs: 60_000 }));
    const m = createDeadLettersModule(ctx);
    const h = m.handlers!;
    // A comment the webhook accepted but that does not match the schema (no pageId): preprocess dead-letters it.
    const broken = { ...JSON.parse(delivery(1, 'I can bring snacks').payload), pageId: undefined } as Record<string, unknown>;
    await ingestDeliveries(ctx.gears, t.keys, [{ dedupeId: 'c:1', payload: JSON.stringify(broken) }]);
    // A good comment dead-lettered earlier (say, by a bug since fixed), as the consumer records it.
    const good = delivery(2, 'count me in!').payload;
    await t.redis.xadd(t.keys.streamDead, '*', 'p', JSON.stringify({ source: t.keys.streamIngest, group: 'preprocess', id: '1-0', reason: 'failed 5 times: boom', deliveries: 5, payload: good, at: 1_700_000_000_000 }));
    let page = await h['deadLetters.list']!({ limit: 100 }, call);
    while (page.total < 2) {
      await new Promise((r) => setTimeout(r, 20));
      page = await h['deadLetters.list']!({ limit: 100 }, call);
    }
    const [retryable, malformed] = [...page.entries].sort((a, b) => a.reason.localeCompare(b.reason));
    expect(page.total).toBe(2);
    expect(retryable).toMatchObject({ stage: 'preprocess', source: 'stream:ingest', reason: 'failed 5 times: boom', text: 'count me in!', author: 'P 2', commentId: 'post_2', retryable: true, at: 1_700_000_000_000 });
    expect(malformed).toMatchObject({ stage: 'preprocess', reason: expect.stringMatching(/^malformed entry: .*pageId/), text: 'I can bring snacks', author: 'P 1', retryable: true });
    // Paging: one at a time, newest first.
    const first = await h['deadLetters.list']!({ limit: 1 }, call);
    const second = await h['deadLetters.list']!({ limit: 1, before: first.next! }, call);
    expect([first.entries[0]!.id, second.entries[0]!.id]).toEqual(page.entries.map((e) => e.id));

    const report = { model: { version: null }, streams: {}, problems: [] } as unknown as HealthReport;
    await m.health!(report);
    expect(report.problems).toContain('2 comments or messages could not be processed; see Settings → Model to retry or discard them.');

    expect(await h['deadLetters.retry']!({ ids: [retryable!.id] }, call)).toEqual({ retried: 1, skipped: 0 });
    // A second click (or another window) finds it gone: nothing is queued twice.
    expect(await h['deadLetters.retry']!({ ids: [retryable!.id] }, call)).toEqual({ retried: 0, skipped: 1 });
    const out = await waitForIntents(1);
    expect(out.map((e) => [e.item.kind === 'comment' ? e.item.commentId : null, e.intent])).toEqual([['post_2', 'signup']]);
    expect(await h['deadLetters.discard']!({ ids: [malformed!.id] }, call)).toEqual({ discarded: 1 });
    expect((await h['deadLetters.list']!({ limit: 100 }, call)).total).toBe(0);
    const after = { model: { version: null }, streams: {}, problems: [] } as unknown as HealthReport;
    await m.health!(after);
    expect(after.problems).toEqual([]);
  });
});
