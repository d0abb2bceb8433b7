import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Redis } from 'ioredis';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { startTestRedisServer } from '../../../test/support/redis-server';
import { createKeys } from '../keys';
import { Gears } from '../gears/loader';
import { preparedGears } from '../gears/libraries';
import { memoryLogger } from '../log';
import { parseRedisUrl } from '../redis/endpoint';
import { StreamConsumer, type DeadLetterRecord, type StreamConsumerOptions, type StreamEntry } from './consumer';

// A commit function of the shape every stage uses: output only for ids whose XACK succeeded.
const COMMIT_LIB = `#!lua name=vt_test_commit
redis.register_function('vt_test_commit', function(keys, args)
  local written = 0
  for i = 2, #args, 2 do
    if redis.call('XACK', keys[1], args[1], args[i]) == 1 then
      redis.call('XADD', keys[2], '*', 'p', args[i + 1])
      redis.call('XDEL', keys[1], args[i])
      written = written + 1
    end
  end
  return written
end)`;

const schema = z.object({ n: z.number().int() });
type Item = z.infer<typeof schema>;

describe('stream consumer', () => {
  let t: TestRedis;
  let gears: Gears;
  let out: string;
  const consumers: StreamConsumer<Item>[] = [];

  beforeEach(async () => {
    t = await testRedis();
    gears = new Gears(t.redis, preparedGears());
    await gears.load();
    await t.redis.call('FUNCTION', 'LOAD', 'REPLACE', COMMIT_LIB);
    out = `${t.prefix}out`;
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await t.cleanup();
  });

  const commit = async (c: StreamConsumer<Item>, batch: StreamEntry<Item>[]): Promise<number> =>
    (await t.redis.call('FCALL', 'vt_test_commit', 2, c.stream, out, c.group, ...batch.flatMap((e) => [e.id, JSON.stringify({ n: e.value.n * 10 })]))) as number;

  function consumer(over: Partial<StreamConsumerOptions<Item>> = {}): StreamConsumer<Item> {
    const c = new StreamConsumer<Item>({
      redis: t.redis,
      endpoint: parseRedisUrl(t.url),
      gears,
      log: memoryLogger(),
      stream: t.keys.streamComments,
      group: 'g',
      deadStream: t.keys.streamDead,
      schema,
      handle: async (batch, self) => {
        await commit(self, batch);
      },
      blockMs: 50,
      ...over,
    });
    consumers.push(c);
    return c;
  }

  async function add(n: number, from = 0): Promise<void> {
    const p = t.redis.pipeline();
    for (let i = from; i < from + n; i += 1) p.xadd(t.keys.streamComments, '*', 'p', JSON.stringify({ n: i }));
    await p.exec();
  }

  async function outputs(): Promise<number[]> {
    const entries = await t.redis.xrange(out, '-', '+');
    return entries.map(([, f]) => (JSON.parse(f[1]!) as Item).n / 10).sort((a, b) => a - b);
  }

  async function dead(): Promise<DeadLetterRecord[]> {
    const entries = await t.redis.xrange(t.keys.streamDead, '-', '+');
    return entries.map(([, f]) => JSON.parse(f[1]!) as DeadLetterRecord);
  }

  it('creates its group idempotently and reads whatever is waiting, up to the batch size', async () => {
    const sizes: number[] = [];
    const c = consumer({
      batchSize: 100,
      handle: async (batch, self) => {
        sizes.push(batch.length);
        await commit(self, batch);
      },
    });
    await c.ensureGroup();
    await c.ensureGroup();
    await add(250);
    while ((await c.step(false)) > 0);
    expect(sizes).toEqual([100, 100, 50]);
    expect(await outputs()).toEqual([...Array(250).keys()]);
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(0);
    const s = await c.stats();
    expect(s).toMatchObject({ length: 0, pending: 0, lag: 0, handled: 250, batches: 3 });
  });

  it('moves a malformed entry to the dead-letter stream without holding up the rest of its batch', async () => {
    const c = consumer();
    await c.ensureGroup();
    await add(2);
    await t.redis.xadd(t.keys.streamComments, '*', 'p', '{not json');
    await t.redis.xadd(t.keys.streamComments, '*', 'p', JSON.stringify({ n: 'seven' }));
    await t.redis.xadd(t.keys.streamComments, '*', 'other', 'x');
    await add(1, 2);
    await c.step(false);
    expect(await outputs()).toEqual([0, 1, 2]);
    const d = await dead();
    expect(d.map((r) => r.reason)).toEqual([
      'malformed entry: field p is not JSON',
      expect.stringMatching(/^malformed entry: n: /),
      'malformed entry: no field p',
    ]);
    expect(d[0]).toMatchObject({ source: t.keys.streamComments, group: 'g', payload: '{not json', deliveries: 1 });
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(0);
    expect((await c.stats()).pending).toBe(0);
  });

  it('isolates a poison entry: the 49 good comments of its batch are handled once, only it is dead-lettered', async () => {
    const poison = 17;
    const committed: number[] = [];
    let calls = 0;
    const c = consumer({
      maxDeliveries: 3,
      retryDelayMs: 1,
      handle: async (batch, self) => {
        calls += 1;
        if (batch.some((e) => e.value.n === poison)) throw new Error(`cannot classify comment ${poison}`);
        committed.push(...batch.map((e) => e.value.n));
        await commit(self, batch);
      },
    });
    await c.ensureGroup();
    await add(50);
    await c.step(false);
    // The first step already handled every good entry; the poison one waits for its retries.
    expect(committed.sort((a, b) => a - b)).toEqual([...Array(50).keys()].filter((n) => n !== poison));
    expect((await c.stats()).held).toBe(1);
    const [pending] = (await t.redis.call('XPENDING', c.stream, c.group, '-', '+', 10)) as [string, string, number, number][];
    expect(pending![3]).toBe(2);
    while ((await c.step(false)) > 0);
    expect(await outputs()).toEqual([...Array(50).keys()].filter((n) => n !== poison));
    const d = await dead();
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ source: c.stream, group: 'g', deliveries: 3, payload: JSON.stringify({ n: poison }), reason: `failed 3 times: cannot classify comment ${poison}` });
    // Bisection: about 2·log2(50) calls to find it, then one call per retry.
    expect(calls).toBeLessThan(20);
    expect(await c.stats()).toMatchObject({ pending: 0, length: 0, handled: 49, deadLettered: 1, held: 0 });
  });

  it('retries a batch that fails for every entry and dead-letters each entry after maxDeliveries instead of looping forever', async () => {
    let calls = 0;
    const c = consumer({
      maxDeliveries: 3,
      retryDelayMs: 1,
      handle: async () => {
        calls += 1;
        throw new Error('downstream broken');
      },
    });
    await c.ensureGroup();
    await add(2);
    for (let i = 0; i < 6; i += 1) await c.step(false);
    // Three rounds of: both together, then each alone.
    expect(calls).toBe(9);
    const d = await dead();
    expect(d.map((r) => r.reason)).toEqual(['failed 3 times: downstream broken', 'failed 3 times: downstream broken']);
    expect(d[0]!.deliveries).toBe(3);
    const s = await c.stats();
    expect(s).toMatchObject({ pending: 0, length: 0, failedBatches: 3, deadLettered: 2 });
  });

  it('backs off when every entry fails, so a few seconds of trouble around the handler dead-letters nothing', async () => {
    // Say the disk the handler writes to is unwritable for a while: every entry fails, alone or not.
    const troubleUntil = Date.now() + 250;
    const c = consumer({
      maxDeliveries: 5,
      retryDelayMs: 20,
      handle: async (batch, self) => {
        if (Date.now() < troubleUntil) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        await commit(self, batch);
      },
    });
    await c.ensureGroup();
    await add(6);
    // Rounds 20, 40, 80, 160 ms apart: past the trouble before the fifth failure. At a fixed
    // 20 ms every entry would have been dead-lettered after about 100 ms.
    while ((await c.step(false)) > 0);
    expect(await dead()).toEqual([]);
    expect(await outputs()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('does not count failures while Redis is unreachable: nothing is dead-lettered, all is handled after recovery', async () => {
    let outage = 12;
    const c = consumer({
      maxDeliveries: 2,
      retryDelayMs: 1,
      handle: async (batch, self) => {
        if (outage > 0) {
          outage -= 1;
          // What a socket to a stopped redis-server reports.
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
        }
        expect(batch.every((e) => e.deliveries === 1)).toBe(true);
        await commit(self, batch);
      },
    });
    await c.ensureGroup();
    await add(5);
    await c.step(false);
    expect(await outputs()).toEqual([0, 1, 2, 3, 4]);
    expect(await dead()).toEqual([]);
    expect(await c.stats()).toMatchObject({ unavailable: 12, failedBatches: 0, handled: 5, pending: 0 });
  });

  it('gives up waiting for Redis when stopped; the batch stays pending for another worker', async () => {
    let calls = 0;
    const c = consumer({
      retryDelayMs: 5_000,
      handle: async () => {
        calls += 1;
        throw new Error('Connection is closed.');
      },
    });
    await c.start();
    await add(3);
    while (calls === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await c.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await dead()).toEqual([]);
    const [count] = (await t.redis.call('XPENDING', c.stream, c.group)) as [number];
    expect(count).toBe(3);
  });

  it('a consumer that dies mid-batch loses nothing: another reclaims its entries, each output exactly once', async () => {
    let deadBatch: StreamEntry<Item>[] = [];
    // The first worker reads a batch and "dies" before committing (no ack, never steps again).
    const a = consumer({
      batchSize: 60,
      handle: async (batch) => {
        deadBatch = batch;
      },
    });
    const b = consumer({ claimIdleMs: 20, claimEveryMs: 0, batchSize: 500 });
    await a.ensureGroup();
    await add(100);
    await a.step(false);
    expect(deadBatch).toHaveLength(60);
    // The live worker takes the rest at once, then the dead worker's entries once they idle.
    await b.step(false);
    await new Promise((r) => setTimeout(r, 40));
    while ((await b.step(false)) > 0);
    expect((await b.stats()).reclaimed).toBe(60);
    // The dead worker comes back late and commits its stale batch: nothing is written twice.
    expect(await commit(a, deadBatch)).toBe(0);
    expect(await outputs()).toEqual([...Array(100).keys()]);
    expect((await b.stats()).pending).toBe(0);
  });

  it('runs in the background and stops gracefully after the batch in hand', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let started = false;
    const c = consumer({
      handle: async (batch, self) => {
        started = true;
        await gate;
        await commit(self, batch);
      },
    });
    await c.start();
    await add(10);
    while (!started) await new Promise((r) => setTimeout(r, 5));
    const stopped = c.stop();
    release();
    await stopped;
    expect(await outputs()).toEqual([...Array(10).keys()]);
    await add(3, 10);
    expect(await t.redis.xlen(t.keys.streamComments)).toBe(3);
  });

  it('reads the next full batch ahead while handling one, and finishes it when stopped', async () => {
    const sizes: number[] = [];
    const pendingSeen: number[] = [];
    const c = consumer({
      batchSize: 50,
      readAhead: true,
      handle: async (batch, self) => {
        // The next batch is already read (pending) while this one is handled.
        const [count] = (await t.redis.call('XPENDING', self.stream, self.group)) as [number];
        pendingSeen.push(Number(count));
        sizes.push(batch.length);
        await commit(self, batch);
      },
    });
    await c.ensureGroup();
    await add(120);
    await c.step(false);
    await c.step(false);
    expect(sizes).toEqual([50, 50]);
    expect(pendingSeen).toEqual([100, 70]);
    // Stopping with the third batch read ahead handles it instead of leaving it to a reclaim.
    await c.stop();
    expect(sizes).toEqual([50, 50, 20]);
    expect(await outputs()).toEqual([...Array(120).keys()]);
    expect(await c.stats()).toMatchObject({ pending: 0, length: 0, reclaimed: 0 });
  });

  it('never reclaims its own read-ahead batch, however short the idle time', async () => {
    const c = consumer({ batchSize: 10, readAhead: true, claimIdleMs: 0, claimEveryMs: 0 });
    await c.ensureGroup();
    await add(35);
    while ((await c.step(false)) > 0);
    expect(await outputs()).toEqual([...Array(35).keys()]);
    expect(await c.stats()).toMatchObject({ pending: 0, reclaimed: 0, handled: 35 });
  });

  it('survives a real redis-server restart mid-batch: every entry committed once, none dead-lettered', async () => {
    const server = await startTestRedisServer();
    const keys = createKeys('o:');
    // The consumer's own clients wait through the outage; the handler's commit client gives up
    // quickly, as a command client does after its retries, so the handler sees the outage.
    const redis = new Redis(server.url, { maxRetriesPerRequest: null });
    const committer = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    committer.on('error', () => undefined);
    redis.on('error', () => undefined);
    const g = new Gears(redis, preparedGears());
    let restarted: Promise<unknown> | null = null;
    try {
      await g.load();
      await redis.call('FUNCTION', 'LOAD', 'REPLACE', COMMIT_LIB);
      const c = new StreamConsumer<Item>({
        redis, endpoint: parseRedisUrl(server.url), gears: g, log: memoryLogger(), stream: keys.streamComments, group: 'g',
        deadStream: keys.streamDead, schema, maxDeliveries: 2, retryDelayMs: 50, blockMs: 50,
        handle: async (batch, self) => {
          if (!restarted) {
            // Redis goes away between reading the batch and committing it, for about 1.5 s.
            await server.halt();
            restarted = new Promise((r) => setTimeout(r, 1_500)).then(() => startTestRedisServer({ port: server.port, dir: server.dir }));
          }
          await committer.call('FCALL', 'vt_test_commit', 2, self.stream, keys.prefix + 'out', self.group, ...batch.flatMap((e) => [e.id, JSON.stringify({ n: e.value.n * 10 })]));
        },
      });
      await c.ensureGroup();
      const p = redis.pipeline();
      for (let i = 0; i < 40; i += 1) p.xadd(keys.streamComments, '*', 'p', JSON.stringify({ n: i }));
      await p.exec();
      await c.step(false);
      const outs = await redis.xrange(keys.prefix + 'out', '-', '+');
      expect(outs.map(([, f]) => (JSON.parse(f[1]!) as Item).n / 10).sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
      expect(await redis.xlen(keys.streamDead)).toBe(0);
      expect((await c.stats()).unavailable).toBeGreaterThan(0);
    } finally {
      committer.disconnect();
      redis.disconnect();
      const again = (await restarted) as Awaited<ReturnType<typeof startTestRedisServer>> | null;
      await again?.halt();
      await server.stop();
    }
  });
});
