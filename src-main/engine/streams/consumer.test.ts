import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testRedis, type TestRedis } from '../../../test/support/redis';
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

  it('retries a failing batch and dead-letters it after maxDeliveries instead of looping forever', async () => {
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
    expect(calls).toBe(3);
    const d = await dead();
    expect(d).toHaveLength(2);
    expect(d[0]!.reason).toBe('not processed after 3 deliveries');
    expect(d[0]!.deliveries).toBe(4);
    const s = await c.stats();
    expect(s).toMatchObject({ pending: 0, length: 0, failedBatches: 3, deadLettered: 2 });
  });

  it('recovers a batch that failed once: the retry commits it', async () => {
    let fail = true;
    const c = consumer({
      retryDelayMs: 1,
      handle: async (batch, self) => {
        if (fail) {
          fail = false;
          throw new Error('redis blip');
        }
        expect(batch.every((e) => e.deliveries === 2)).toBe(true);
        await commit(self, batch);
      },
    });
    await c.ensureGroup();
    await add(5);
    await c.step(false);
    await c.step(false);
    expect(await outputs()).toEqual([0, 1, 2, 3, 4]);
    expect(await dead()).toEqual([]);
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
});
