import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { engineContext } from '../../test/support/engine-context';
import { testRedis, type TestRedis } from '../../test/support/redis';
import { GraphClient } from '../engine/facebook/graph-client';
import { createWebhookModule, type WebhookModule } from '../engine/facebook/webhook-module';
import type { EngineContext } from '../engine/module';
import { ingestItem, type IngestItem } from '../engine/streams/entries';
import { createDemoModule, type DemoModule } from './demo';

describe('demo mode: the simulator and its commenters through the real webhook', () => {
  let t: TestRedis;
  let ctx: EngineContext;
  let webhook: WebhookModule;
  let demo: DemoModule;
  let graph: GraphClient;

  beforeEach(async () => {
    t = await testRedis();
    ctx = await engineContext(t);
    demo = createDemoModule(ctx, {
      webhookUrl: () => `http://127.0.0.1:${webhook.tunnelPort()}/webhooks/facebook`,
      seed: 7,
      paceMs: { min: 5, max: 20 },
      maxCommentsPerPost: 6,
    });
    const c = demo.credentials;
    webhook = createWebhookModule(ctx, { appSecret: () => c.appSecret, verifyToken: () => c.verifyToken, pageId: () => c.pageId });
    await demo.start!();
    await webhook.start!();
    graph = new GraphClient({ baseUrl: () => demo.graphUrl(), version: () => 'v25.0', pageId: () => c.pageId, pageToken: () => c.pageToken, clock: ctx.clock, log: ctx.log });
  });
  afterEach(async () => {
    await demo.stop!();
    await webhook.stop!();
    await t.cleanup();
  });

  const items = async (): Promise<IngestItem[]> =>
    (await t.redis.xrange(t.keys.streamIngest, '-', '+')).map(([, f]) => ingestItem.parse(JSON.parse(f[1] ?? 'null')));

  it('turns batched, duplicated and reordered deliveries into one item per distinct comment change', async () => {
    const people = demo.commenters()!;
    const postId = `${demo.credentials.pageId}_1`;
    for (let i = 0; i < 60; i += 1) await people.step(postId);
    await people.flush();
    const sent = people.sent();
    const distinct = new Set(sent.map((s) => `${s.commentId}:${s.verb}:${s.text}`));
    const got = (await items()).filter((i) => i.kind === 'comment');
    expect(got).toHaveLength(distinct.size);
    expect(new Set(got.map((i) => (i.kind === 'comment' ? `${i.commentId}:${i.verb}:${i.message}` : '')))).toEqual(distinct);
    // The Page's own replies never enter the pipeline.
    expect(got.every((i) => i.kind === 'comment' && i.from?.id !== demo.credentials.pageId)).toBe(true);
    expect(webhook.counters.duplicates).toBeGreaterThan(0);
    // Some POSTs held several entries, later ones first: all entered once.
    expect(people.batchedPosts).toBeGreaterThan(0);
    expect(webhook.counters.refused).toBe(0);
  });

  it('starts simulated comments when a post is published', async () => {
    const { postId } = await graph.publishPost({ message: 'Park clean-up on Sunday: who is in?' });
    await vi.waitFor(async () => expect((await items()).length).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 50 });
    expect((await items()).every((i) => i.kind === 'comment' && i.postId === postId)).toBe(true);
    expect(demo.simulator()!.posts()).toHaveLength(1);
    // Whatever the crowd's mix, the post's first delivery holds a named person signing up and the
    // second someone asking.
    const first = demo.commenters()!.sent().find((s) => s.postId === postId);
    expect(first).toMatchObject({ intent: 'signup', verb: 'add' });
    expect(first?.person).not.toBeNull();
    await vi.waitFor(() => expect(demo.commenters()!.sent().filter((s) => s.postId === postId && s.intent === 'question').length).toBeGreaterThan(0), { timeout: 20_000, interval: 50 });
  });

  it('answers a private reply with a button press in Messenger', async () => {
    const people = demo.commenters()!;
    const postId = `${demo.credentials.pageId}_2`;
    await people.step(postId);
    await people.flush();
    const first = people.sent().find((s) => s.verb === 'add')!;
    const { recipientId } = await graph.privateReply(first.commentId, { text: 'Confirm?', buttons: [{ title: 'Yes', payload: 'CONFIRM:1' }, { title: 'No', payload: 'DECLINE:1' }] });
    expect(recipientId).toBe(demo.simulator()!.world.psidForComment(first.commentId));
    await vi.waitFor(async () => expect((await items()).some((i) => i.kind === 'postback')).toBe(true), { timeout: 20_000, interval: 50 });
    const postback = (await items()).find((i) => i.kind === 'postback');
    expect(postback).toMatchObject({ psid: recipientId });
    expect(['CONFIRM:1', 'DECLINE:1']).toContain(postback?.kind === 'postback' ? postback.payload : '');
  });
});
