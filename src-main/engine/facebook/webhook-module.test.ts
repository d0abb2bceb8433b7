import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineContext } from '../../../test/support/engine-context';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import type { HealthReport } from '../../contract/system';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../simulator/webhook-payloads';
import { createWebhookModule, type TunnelSocketTimings, type WebhookModule } from './webhook-module';

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

/** A raw socket to the server, as the localtunnel client holds one: what came back, and when it closed. */
function rawSocket(port: number, send?: string): Promise<{ received: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const s = net.connect(port, '127.0.0.1', () => {
      if (send) s.write(send);
    });
    s.on('data', (d) => (received += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve({ received, closedAfterMs: Date.now() - started }));
  });
}

describe('the webhook server and pre-opened tunnel sockets', () => {
  let t: TestRedis;
  let webhook: WebhookModule | null = null;
  beforeEach(async () => {
    t = await testRedis();
  });
  afterEach(async () => {
    await webhook?.stop!();
    webhook = null;
    await t.cleanup();
  });
  const start = async (tunnelSockets: TunnelSocketTimings): Promise<number> => {
    webhook = createWebhookModule(await engineContext(t), { appSecret: () => 'right', verifyToken: () => 'v', pageId: () => '1', tunnelSockets });
    await webhook.start!();
    return webhook.tunnelPort()!;
  };

  it('recycles a socket that never carried a request without writing a byte into it', async () => {
    const port = await start({ idleMs: 300, headersTimeoutMs: 1_000, requestTimeoutMs: 1_000, checkIntervalMs: 50 });
    const idle = await rawSocket(port);
    expect(idle.received).toBe('');
    expect(idle.closedAfterMs).toBeLessThan(1_000);
  });

  it('writes no 408 into a request-less socket even when the headers bound fires first', async () => {
    // Node's own behaviour on such a socket is "HTTP/1.1 408 Request Timeout"; the guard drops it.
    const port = await start({ idleMs: 10_000, headersTimeoutMs: 200, requestTimeoutMs: 200, checkIntervalMs: 50 });
    const idle = await rawSocket(port);
    expect(idle).toMatchObject({ received: '' });
    expect(idle.closedAfterMs).toBeLessThan(2_000);
  });

  it('still answers 408 to a request whose headers started and never finished', async () => {
    const port = await start({ idleMs: 10_000, headersTimeoutMs: 200, requestTimeoutMs: 200, checkIntervalMs: 50 });
    const slow = await rawSocket(port, 'POST /webhooks/facebook HTTP/1.1\r\nHost: x\r\n');
    expect(slow.received).toMatch(/^HTTP\/1\.1 408 /);
  });
});
