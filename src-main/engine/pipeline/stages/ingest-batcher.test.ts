import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../../test/support/redis';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../../simulator/webhook-payloads';
import { ManualClock } from '../../clock';
import { preparedGears } from '../../gears/libraries';
import { Gears } from '../../gears/loader';
import { memoryLogger } from '../../log';
import { IngestBatcher } from './ingest';
import { registerWebhookRoutes, WEBHOOK_PATH } from '../../facebook/webhook-routes';

describe('IngestBatcher', () => {
  let t: TestRedis;
  let gears: Gears;
  beforeEach(async () => {
    t = await testRedis();
    gears = new Gears(t.redis, preparedGears());
    await gears.load();
  });
  afterEach(() => t.cleanup());

  it('joins concurrent POSTs into one call and keeps dedupe exact', async () => {
    const totals: { accepted: number; duplicates: number }[] = [];
    const batcher = new IngestBatcher(gears, t.keys, (r) => totals.push(r));
    const d = (id: string) => ({ dedupeId: id, payload: `{"id":"${id}"}` });
    await Promise.all([batcher.add([d('a'), d('b')]), batcher.add([d('a')]), batcher.add([d('c')]), batcher.add([])]);
    expect(totals).toEqual([{ accepted: 3, duplicates: 1 }]);
    expect((await t.redis.xrange(t.keys.streamIngest, '-', '+')).map(([, f]) => f[1])).toEqual(['{"id":"a"}', '{"id":"b"}', '{"id":"c"}']);
  });

  it('fails every waiting POST when Redis refuses, and the webhook answers 503', async () => {
    // Nothing listens on port 1: every call fails at once.
    const broken = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    broken.on('error', () => undefined);
    const brokenGears = new Gears(broken, preparedGears());
    const batcher = new IngestBatcher(brokenGears, t.keys);
    const results = await Promise.allSettled([batcher.add([{ dedupeId: 'x', payload: '{}' }]), batcher.add([{ dedupeId: 'y', payload: '{}' }])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);

    const app = Fastify();
    await registerWebhookRoutes(app, { gears: brokenGears, keys: t.keys, clock: new ManualClock(), log: memoryLogger(), appSecret: () => 's', verifyToken: () => 'v', pageId: () => '1' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const url = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}${WEBHOOK_PATH}`;
    const res = await deliverSigned(url, 's', webhookPayload([feedEntry('1', [commentChange({ pageId: '1', postId: '1_2', commentId: '2_3', from: { id: '9', name: 'Sam' }, message: 'in' })])]));
    expect(res.status).toBe(503);
    await app.close();
    broken.disconnect();
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(0);
  });
});
