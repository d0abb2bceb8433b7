import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../../test/support/redis';
import { Gears } from '../../gears/loader';
import { preparedGears } from '../../gears/libraries';
import { describeDeadLetter, retryDeadLetters } from './dead-letters';

describe('dead letters', () => {
  let t: TestRedis;
  let gears: Gears;
  beforeEach(async () => {
    t = await testRedis();
    gears = new Gears(t.redis, preparedGears());
    await gears.load();
  });
  afterEach(async () => t.cleanup());

  it('describes records it cannot fully read instead of failing the whole list', () => {
    expect(describeDeadLetter('5-0', '{oops', 'vt:')).toMatchObject({ id: '5-0', stage: 'other', reason: 'unknown', at: 5, text: null, retryable: false });
    expect(describeDeadLetter('6-0', JSON.stringify({ source: 'vt:stream:comments', group: 'classifier', reason: 'malformed entry: no field p', payload: null }), 'vt:')).toMatchObject({
      stage: 'classifier', source: 'stream:comments', text: null, retryable: false,
    });
    // A Messenger message carries `text`; a comments entry wraps its comment in `item`.
    expect(describeDeadLetter('7-0', JSON.stringify({ source: 'vt:stream:ingest', group: 'preprocess', payload: JSON.stringify({ kind: 'message', text: 'yes' }) }), 'vt:').text).toBe('yes');
    expect(describeDeadLetter('8-0', JSON.stringify({ source: 'vt:stream:comments', group: 'classifier', payload: JSON.stringify({ item: { message: 'hi', from: null } }) }), 'vt:')).toMatchObject({ text: 'hi', author: null });
  });

  it('puts back only records with a payload whose source is one of the pipeline streams', async () => {
    const put = (rec: object): Promise<string | null> => t.redis.xadd(t.keys.streamDead, '*', 'p', JSON.stringify(rec));
    const ok = (await put({ source: t.keys.streamComments, group: 'classifier', payload: '{"x":1}' }))!;
    const noPayload = (await put({ source: t.keys.streamComments, group: 'classifier', payload: null }))!;
    const elsewhere = (await put({ source: `${t.prefix}somewhere:else`, group: 'classifier', payload: '{"x":2}' }))!;
    const garbage = (await t.redis.xadd(t.keys.streamDead, '*', 'p', 'not json'))!;
    expect(await retryDeadLetters(gears, t.keys, [ok, noPayload, elsewhere, garbage, '1-1'])).toEqual({ retried: 1, skipped: 4 });
    const back = await t.redis.xrange(t.keys.streamComments, '-', '+');
    expect(back.map(([, f]) => f)).toEqual([['p', '{"x":1}']]);
    expect(await t.redis.exists(`${t.prefix}somewhere:else`)).toBe(0);
    expect(await t.redis.xlen(t.keys.streamDead)).toBe(3);
  });
});
