import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { LiveMessage } from '../../../contract';
import { testRedis, type TestRedis } from '../../../../test/support/redis';
import { ManualClock } from '../../clock';
import { Gears } from '../../gears/loader';
import { preparedGears } from '../../gears/libraries';
import { LiveBus } from '../../live';
import { memoryLogger } from '../../log';
import type { EngineContext } from '../../module';
import { QueueFactory } from '../../queues/factory';
import { parseRedisUrl } from '../../redis/endpoint';
import { Store } from '../../store/store';
import { newestGoodCopy } from '../../data/backup';
import type { IntentEntry } from '../../streams/entries';
import { createPipelineModule, type PipelineModule, type PipelineModuleDeps } from '../pipeline-module';

export interface Harness {
  t: TestRedis;
  ctx: EngineContext;
  module: PipelineModule;
  clock: ManualClock;
  live: LiveMessage[];
  dataDir: string;
  /** Where damaged files are restored from (as the app's `backups` folder beside `data`). */
  backupsDir: string;
  /** Stops this app instance (module, workers, queues, live bus) but keeps Redis and the files. */
  stop(): Promise<void>;
  /** Drops this app instance as a crash would: the recorder's batch in hand is never finished or acknowledged. */
  crash(): Promise<void>;
  /** Starts a fresh app instance over the same Redis prefix and data folder (a restart). */
  restart(deps?: Partial<HarnessDeps>): Promise<void>;
  cleanup(): Promise<void>;
}

export type HarnessDeps = Omit<PipelineModuleDeps, 'email' | 'smtpPassword'> & Partial<Pick<PipelineModuleDeps, 'email' | 'smtpPassword'>>;

/** A pipeline module on the run's real redis-server with a fresh key prefix and data folder. */
export async function startHarness(deps: HarnessDeps): Promise<Harness> {
  const t = await testRedis();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vt-pipeline-'));
  const backupsDir = `${dataDir}-backups`;
  const clock = new ManualClock(Date.now());
  const live: LiveMessage[] = [];
  const h = { t, clock, live, dataDir, backupsDir } as Harness;
  let current: { module: PipelineModule; queues: QueueFactory; liveBus: LiveBus; sub: Redis } | null = null;

  const boot = async (d: HarnessDeps): Promise<void> => {
    const log = memoryLogger();
    const endpoint = parseRedisUrl(t.url);
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    const sub = new Redis(t.url, { maxRetriesPerRequest: null });
    const liveBus = new LiveBus(t.redis, sub, t.keys.liveChannel, clock, log);
    await liveBus.start();
    liveBus.on((m) => live.push(m));
    const queues = new QueueFactory(endpoint, t.keys.bullPrefix, log);
    const ctx: EngineContext = {
      role: 'app', log, clock, keys: t.keys, redis: t.redis, redisEndpoint: endpoint, gears, store: new Store(dataDir, log, (file) => newestGoodCopy(backupsDir, file)), live: liveBus, queues, dataDir,
    };
    const module = createPipelineModule(ctx, {
      email: () => null, smtpPassword: () => null, timeZone: () => 'UTC',
      ...d,
      options: { recorderBlockMs: 100, ...d.options },
    });
    await module.start?.();
    current = { module, queues, liveBus, sub };
    h.ctx = ctx;
    h.module = module;
  };
  h.stop = async () => {
    if (!current) return;
    await current.module.stop?.();
    await current.queues.closeAll();
    await current.liveBus.stop();
    current.sub.disconnect();
    current = null;
  };
  h.crash = async () => {
    if (!current) return;
    const c = current;
    current = null;
    void c.module.recorder()?.stop();
    await c.queues.closeAll();
    await c.liveBus.stop();
    c.sub.disconnect();
  };
  h.restart = async (more = {}) => {
    await h.stop();
    await boot({ ...deps, ...more });
  };
  h.cleanup = async () => {
    await h.stop();
    await t.cleanup();
    await rm(dataDir, { recursive: true, force: true });
    await rm(backupsDir, { recursive: true, force: true });
  };
  await boot(deps);
  return h;
}

/** Appends classified entries to the intents stream, as the classifier gear does. */
export async function feedIntents(h: Harness, entries: readonly IntentEntry[]): Promise<void> {
  const p = h.t.redis.pipeline();
  for (const e of entries) p.xadd(h.t.keys.streamIntents, '*', 'p', JSON.stringify(e));
  await p.exec();
}

/** Waits until `check` holds (polling); fails with `what` after a generous limit. */
export async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** Waits until the recorder has taken every entry and the named queues have nothing left to do. */
export async function settled(h: Harness, queues: string[] = ['reply', 'db-write', 'notify', 'email', 'publish']): Promise<void> {
  await until('the pipeline to settle', async () => {
    const len = await h.t.redis.xlen(h.t.keys.streamIntents);
    if (len > 0) return false;
    for (const q of queues) {
      const counts = await h.ctx.queues.queue(q as never).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (Object.values(counts).some((n) => n > 0)) return false;
    }
    return true;
  });
}

let seq = 0;
/** A classified comment entry. */
export function commentIntent(o: {
  postId: string;
  commentId?: string;
  from: { id: string; name: string } | null;
  message: string;
  intent: IntentEntry['intent'];
  verb?: 'add' | 'edited' | 'remove' | 'hide' | 'unhide';
  pageId?: string;
  at?: number;
  /** Meta's time of this change (the webhook entry's `time`); left out, the change has none. */
  changeTime?: number;
}): IntentEntry {
  const at = o.at ?? Date.now();
  return {
    item: {
      kind: 'comment', commentId: o.commentId ?? `${o.postId}_c${(seq += 1)}`, postId: o.postId, parentId: o.postId, verb: o.verb ?? 'add', from: o.from,
      message: o.message, createdTime: at, receivedAt: at, pageId: o.pageId ?? 'page1', ...(o.changeTime !== undefined ? { changeTime: o.changeTime } : {}),
    },
    intent: o.intent, confidence: o.intent ? 0.9 : null, scores: null, modelVersion: o.intent ? 'test' : null,
  };
}

export function messageIntent(o: { psid: string; text: string; quickReply?: string | null; messageId?: string; at?: number }): IntentEntry {
  const at = o.at ?? Date.now();
  return {
    item: { kind: 'message', messageId: o.messageId ?? `mid_${(seq += 1)}`, psid: o.psid, text: o.text, quickReply: o.quickReply ?? null, timestamp: at, receivedAt: at, pageId: 'page1' },
    intent: null, confidence: null, scores: null, modelVersion: null,
  };
}

export function postbackIntent(o: { psid: string; payload: string; title?: string; postbackId?: string; at?: number }): IntentEntry {
  const at = o.at ?? Date.now();
  return {
    item: { kind: 'postback', postbackId: o.postbackId ?? `pb_${(seq += 1)}`, psid: o.psid, payload: o.payload, title: o.title ?? '', timestamp: at, receivedAt: at, pageId: 'page1' },
    intent: null, confidence: null, scores: null, modelVersion: null,
  };
}
