import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../contract';
import type { ModelRetrainState, ModelTrainingProgress } from '../../contract/model';
import type { HealthReport } from '../../contract/system';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { ManualClock } from '../clock';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { LiveBus } from '../live';
import { memoryLogger } from '../log';
import type { CallContext, EngineContext, EngineModule } from '../module';
import { QueueFactory } from '../queues/factory';
import { parseRedisUrl } from '../redis/endpoint';
import { Store } from '../store/store';
import { readArtifact } from './artifact';
import { createModelModule, type ModelModuleDeps } from './model-module';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ARTIFACT = path.join(ROOT, 'model/artifact');
const call: CallContext = { via: 'internal' };

/**
 * Retraining from the app against a real Redis and a real training thread. The training data
 * is a small slice of the shipped data and training runs two epochs, so a retraining takes
 * seconds and its model scores below the shipped one (which exercises the `force` path).
 */
describe('retraining the intent model from the app', () => {
  let t: TestRedis;
  let dataDir: string;
  let trainingDataDir: string;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    t = await testRedis();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'vt-retrain-'));
    trainingDataDir = path.join(dataDir, 'training-data');
    await mkdir(trainingDataDir);
    const slice = async (file: string, n: number) => {
      const lines = (await readFile(path.join(ROOT, 'model/data', file), 'utf8')).split('\n').filter(Boolean);
      // Every k-th row keeps all four intents in the slice.
      const step = Math.floor(lines.length / n);
      await writeFile(path.join(trainingDataDir, file), `${lines.filter((_l, i) => i % step === 0).join('\n')}\n`);
    };
    await slice('train.jsonl', 300);
    await slice('test.jsonl', 120);
    await slice('valid.jsonl', 120);
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await t.cleanup();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function context(): Promise<EngineContext & { events: LiveMessage[] }> {
    const log = memoryLogger();
    const clock = new ManualClock();
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    const sub = new Redis(t.url, { maxRetriesPerRequest: null });
    const live = new LiveBus(t.redis, sub, t.keys.liveChannel, clock, log);
    await live.start();
    const events: LiveMessage[] = [];
    live.on((m) => events.push(m));
    const queues = new QueueFactory(parseRedisUrl(t.url), t.keys.bullPrefix, log);
    closers.push(async () => {
      await queues.closeAll();
      await live.stop();
      sub.disconnect();
    });
    const store = new Store(path.join(dataDir, 'data'), log);
    return { role: 'app', log, clock, keys: t.keys, redis: t.redis, redisEndpoint: parseRedisUrl(t.url), gears, store, live, queues, dataDir, events };
  }

  async function started(ctx: EngineContext, extra: Partial<ModelModuleDeps> = {}): Promise<EngineModule> {
    const m = createModelModule(ctx, { artifactDir: ARTIFACT, trainingDataDir, ...extra });
    await m.start!();
    const stop = m.stop!.bind(m);
    let stopped = false;
    closers.push(async () => {
      if (!stopped) await stop();
    });
    m.stop = async () => {
      stopped = true;
      await stop();
    };
    return m;
  }

  async function correct(m: EngineModule): Promise<void> {
    await m.handlers!['model.correct']!({ commentId: 'c1', text: 'not interested', intent: 'other' }, call);
    await m.handlers!['model.correct']!({ commentId: 'c2', text: 'me and my sister are in', intent: 'signup' }, call);
    await m.handlers!['model.correct']!({ commentId: 'c3', text: 'scratch my name please', intent: 'cancel' }, call);
  }

  /** Waits for the retraining to end: polls `model.candidate` (no timing assumptions). */
  async function settled(m: EngineModule): Promise<ModelRetrainState> {
    for (;;) {
      const s = await m.handlers!['model.candidate']!({}, call);
      if (!s.training || ['ready', 'failed', 'cancelled'].includes(s.training.phase)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const progressOf = (events: LiveMessage[]): ModelTrainingProgress[] =>
    events.filter((e) => e.event === 'model.training').map((e) => e.payload as ModelTrainingProgress);

  async function waitFor<T>(fn: () => T | undefined): Promise<T> {
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('retrains in a thread with progress, keeps a candidate beside the current report, promotes it, and a restart loads it', async () => {
    const shipped = await readArtifact(ARTIFACT);
    const ctx = await context();
    const m = await started(ctx);
    await correct(m);

    const first = await m.handlers!['model.retrain']!({ epochs: 2, seed: 5 }, call);
    expect(first).toMatchObject({ phase: 'starting', epoch: 0, epochs: 2, corrections: 3, seed: 5 });
    // One training at a time: a second call says a retraining is running.
    await expect(m.handlers!['model.retrain']!({ epochs: 2 }, call)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) });
    // The engine keeps answering (and classifying) while the thread trains.
    const classified = await m.handlers!['model.classify']!({ texts: ['count me in'] }, call);
    expect(classified[0]!.intent).toBe('signup');

    const state = await settled(m);
    expect(state.training).toBeNull();
    const c = state.candidate!;
    expect(c).toMatchObject({ corrections: 3, seed: 5, epochs: 2 });
    // Calibrated on the validation split, like the shipped model.
    expect(c.temperature).toBeGreaterThan(0);
    expect(c.version).not.toBe(shipped.version);
    expect(c.report.version).toBe(c.version);
    expect(Object.keys(c.report.model.perIntent).sort()).toEqual(['cancel', 'other', 'question', 'signup']);
    expect(c.report.model.confusion).toHaveLength(4);
    expect(c.current?.version).toBe(shipped.version);
    // Both reports on the same test split.
    expect(c.report.summary.testSize).toBe(c.current!.summary.testSize);
    expect(c.report.summary.trainSize).toBeLessThan(400);

    const phases = await waitFor(() => {
      const p = progressOf(ctx.events);
      return p.some((x) => x.phase === 'ready') ? p : undefined;
    });
    expect(phases.filter((p) => p.phase === 'training').map((p) => p.epoch)).toEqual([0, 1, 2]);
    expect(phases.map((p) => p.phase)).toEqual(['starting', 'training', 'training', 'training', 'evaluating', 'saving', 'ready']);

    // Never written over the shipped model; kept in the data folder.
    expect((await readArtifact(ARTIFACT)).version).toBe(shipped.version);
    expect((await readArtifact(path.join(dataDir, 'model/candidate'))).version).toBe(c.version);

    // Trained on a slice, it scores lower than the shipped model: promoting needs force.
    expect(c.report.summary.macroF1).toBeLessThan(c.current!.summary.macroF1);
    await expect(m.handlers!['model.promote']!({}, call)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/scores lower/) });
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(shipped.version);

    const promoted = await m.handlers!['model.promote']!({ force: true }, call);
    expect(promoted).toEqual({ version: c.version, previous: shipped.version });
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(c.version);
    expect((await m.handlers!['model.candidate']!({}, call)).candidate).toBeNull();
    await expect(m.handlers!['model.promote']!({ force: true }, call)).rejects.toMatchObject({ code: 'not_found' });
    const info = await m.handlers!['model.info']!({}, call);
    expect(info).toMatchObject({ version: c.version, source: 'retrained', report: { version: c.version } });

    // A restart publishes the promoted model from the data folder, not the shipped one.
    await m.stop!();
    await t.redis.set(t.keys.modelCurrent, shipped.version);
    const again = await started(ctx);
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(c.version);
    const after = await again.handlers!['model.info']!({}, call);
    expect(after).toMatchObject({ version: c.version, loadedVersion: c.version, source: 'retrained' });
  });

  it('is deterministic: the same seed and corrections give the same model', async () => {
    const ctx = await context();
    const m = await started(ctx);
    await correct(m);
    // Two calls at the same moment: one trains, the other is told a retraining is running.
    const both = await Promise.allSettled([m.handlers!['model.retrain']!({ epochs: 1, seed: 3 }, call), m.handlers!['model.retrain']!({ epochs: 1, seed: 3 }, call)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(both.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict' } });
    const a = (await settled(m)).candidate!;
    await m.handlers!['model.retrain']!({ epochs: 1, seed: 3 }, call);
    const b = (await settled(m)).candidate!;
    expect(b.version).toBe(a.version);
  });

  it('discard keeps the model in use, and the bad paths say what to do', async () => {
    const shipped = await readArtifact(ARTIFACT);
    const ctx = await context();
    const m = await started(ctx);

    await expect(m.handlers!['model.retrain']!({ epochs: 1 }, call)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/no corrections yet.*Comments tab/) });
    await expect(m.handlers!['model.promote']!({}, call)).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/no retrained model/) });
    expect(await m.handlers!['model.discard']!({}, call)).toEqual({ discarded: false });

    await correct(m);
    await m.handlers!['model.retrain']!({ epochs: 1 }, call);
    await expect(m.handlers!['model.promote']!({ force: true }, call)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/still running/) });
    expect((await settled(m)).candidate).not.toBeNull();
    expect(await m.handlers!['model.discard']!({}, call)).toEqual({ discarded: true });
    expect((await m.handlers!['model.candidate']!({}, call)).candidate).toBeNull();
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(shipped.version);

    // Discarding while it trains stops the thread.
    await m.handlers!['model.retrain']!({ epochs: 30 }, call);
    expect(await m.handlers!['model.discard']!({}, call)).toEqual({ discarded: true });
    const stopped = await settled(m);
    expect(stopped.training).toMatchObject({ phase: 'cancelled' });
    expect(stopped.candidate).toBeNull();

    // A training that crashes (here: damaged training data) fails with its reason, nothing changes.
    await writeFile(path.join(trainingDataDir, 'train.jsonl'), '{"text": "hi", "intent": "maybe"}\n');
    await m.handlers!['model.retrain']!({ epochs: 1 }, call);
    const failed = await settled(m);
    expect(failed.training).toMatchObject({ phase: 'failed', message: expect.stringMatching(/Retraining failed: .*train\.jsonl:1.*model in use is unchanged/) });
    expect(failed.candidate).toBeNull();
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(shipped.version);

    // Missing training data and an unwritable data folder are refused before training starts.
    await rm(path.join(trainingDataDir, 'train.jsonl'));
    await expect(m.handlers!['model.retrain']!({ epochs: 1 }, call)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/training data .* is missing/) });
    await writeFile(path.join(trainingDataDir, 'train.jsonl'), await readFile(path.join(ROOT, 'model/data/train.jsonl')));
    await rm(path.join(dataDir, 'model'), { recursive: true, force: true });
    await writeFile(path.join(dataDir, 'model'), 'a file where the folder should be');
    await expect(m.handlers!['model.retrain']!({ epochs: 1 }, call)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/data folder cannot hold a retrained model/) });
  });

  it('stopping the engine stops a retraining under way; a worker process refuses to retrain', async () => {
    // The full data here: an epoch takes seconds, so the stop surely lands inside the thread's work.
    await writeFile(path.join(trainingDataDir, 'train.jsonl'), await readFile(path.join(ROOT, 'model/data/train.jsonl')));
    const ctx = await context();
    const m = await started(ctx);
    await correct(m);
    await m.handlers!['model.retrain']!({ epochs: 30 }, call);
    await waitFor(() => progressOf(ctx.events).find((p) => p.phase === 'training'));
    await m.stop!();
    await waitFor(() => progressOf(ctx.events).find((p) => p.phase === 'cancelled'));
    expect(await t.redis.get(t.keys.modelCurrent)).toBe((await readArtifact(ARTIFACT)).version);
    await expect(readArtifact(path.join(dataDir, 'model/candidate'))).rejects.toThrow(/missing/);

    const w = await started({ ...ctx, role: 'worker', store: null });
    await expect(w.handlers!['model.retrain']!({}, call)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/not in a worker/) });
    await expect(w.handlers!['model.promote']!({}, call)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('falls back to the shipped model when the promoted one is damaged, and says so in health', async () => {
    const shipped = await readArtifact(ARTIFACT);
    const ctx = await context();
    await mkdir(path.join(dataDir, 'model/in-use'), { recursive: true });
    await writeFile(path.join(dataDir, 'model/in-use/model.json'), '{"format": "layers-model"');
    const m = await started(ctx);
    expect(await t.redis.get(t.keys.modelCurrent)).toBe(shipped.version);
    expect(await m.handlers!['model.info']!({}, call)).toMatchObject({ source: 'shipped', report: { version: shipped.version } });
    const report = { model: { version: null }, streams: {}, problems: [] } as unknown as HealthReport;
    await m.health!(report);
    expect(report.problems.join(' ')).toMatch(/retrained model .* is unusable.*shipped model/);
  });
});
