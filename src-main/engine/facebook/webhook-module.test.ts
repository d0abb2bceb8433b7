import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineContext } from '../../../test/support/engine-context';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import type { HealthReport } from '../../contract/system';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../simulator/webhook-payloads';
import { createWebhookModule, type WebhookModule } from './webhook-module';

const emptyReport = (): HealthReport => ({ ok: true, redis: { up: true, mode: 'external', restarts: 0 }, model: { version: null }, queues: {}, streams: {}, facebook: { mode: 'live' }, problems: [] });

describe('createWebhookModule', () => {
  let t: TestRedis;
  let webhook: WebhookModule;
  beforeEach(async () => {
    t = await testRedis();
    webhook = createWebhookModule(await engineContext(t), { appSecret: () => 'right', verifyToken: () => 'v', pageId: () => '1' });
    await webhook.start!();
  });
  afterEach(async () => {
    await webhook.stop!();
    await t.cleanup();
  });

  it('serves only the webhook on its own loopback port and answers the tunnel probe', async () => {
    const base = `http://127.0.0.1:${webhook.tunnelPort()}`;
    const probe = await fetch(`${base}/webhooks/facebook`, { headers: { 'x-voluntree-probe': 'n0nce' } });
    expect(probe.status).toBe(204);
    expect(probe.headers.get('x-voluntree-probe')).toBe('n0nce');
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
    expect((await fetch(`${base}/api/rpc/settings.get`, { method: 'POST' })).status).toBe(404);
  });

  it('reports a wrong App Secret once deliveries keep failing, and clears it on a good one', async () => {
    const url = `http://127.0.0.1:${webhook.tunnelPort()}/webhooks/facebook`;
    const body = webhookPayload([feedEntry('1', [commentChange({ pageId: '1', postId: '1_2', commentId: '2_3', from: { id: '9', name: 'Sam' }, message: 'in' })])]);
    for (let i = 0; i < 3; i += 1) expect((await deliverSigned(url, 'wrong', body)).status).toBe(403);
    const bad = emptyReport();
    await webhook.health!(bad);
    expect(bad.problems.join(' ')).toMatch(/App Secret/);
    expect((await deliverSigned(url, 'right', body)).status).toBe(200);
    const good = emptyReport();
    await webhook.health!(good);
    expect(good.problems).toEqual([]);
    expect(webhook.counters).toMatchObject({ accepted: 1, refused: 3, refusedInARow: 0 });
  });
});
