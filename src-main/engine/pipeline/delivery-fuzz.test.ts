import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchLoopDelay } from '../../../test/support/loop-delay';
import { prng } from '../../../test/support/prng';
import { normaliseWebhook, webhookEnvelope } from '../facebook/webhook-payload';
import { commentChange, feedEntry, webhookPayload } from '../../simulator/webhook-payloads';
import type { IntentEntry } from '../streams/entries';
import { FakeGraph } from './testing/fake-graph';
import { call, publishedEvent } from './testing/call';
import { feedIntents, settled, startHarness, until, type Harness } from './testing/harness';

const PAGE = 'page1';
const DELIVERIES = 10_000;
const TEXTS: Array<{ text: string; intent: 'signup' | 'cancel' | 'question' | 'other' }> = [
  { text: "I'm in", intent: 'signup' }, { text: 'count me + 2 friends', intent: 'signup' }, { text: 'sorry, cannot come', intent: 'cancel' },
  { text: 'what time?', intent: 'question' }, { text: 'great cause!', intent: 'other' }, { text: '🙋', intent: 'signup' },
];
const HOSTILE_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'a:b', '../x', '', 'x'.repeat(201), 'id with space'];

/**
 * 10,000 webhook changes the way Meta can send them (every verb in any order, replays, other
 * Pages, posts that are not events, hostile ids), through the edge (`normaliseWebhook`) into the
 * real recorder on a real Redis, with the Redis sent markers expiring half way. After the run: the files parse, every accepted comment is
 * recorded once and nothing else is, no reply went twice, and the app still answers.
 */
describe('delivery fuzz', () => {
  let h: Harness;
  let graph: FakeGraph;
  let eventPost = '';
  let eventId = '';

  beforeAll(async () => {
    graph = new FakeGraph();
    h = await startHarness({ graph, options: { replyConcurrency: 50 } });
    const e = await publishedEvent(h.module, { capacity: 40 });
    eventPost = e.postId;
    eventId = e.id;
  });
  afterAll(() => h.cleanup());

  it(`${DELIVERIES} deliveries: files parse, each accepted comment recorded once, no reply doubled`, { timeout: 240_000 }, async () => {
    const rand = prng(20261203);
    const int = (n: number) => Math.floor(rand() * n);
    const posts = [eventPost, eventPost, eventPost, 'page1_999999'];
    const sent: string[] = [];
    const accepted = new Set<string>();
    const refused = new Set<string>();
    const byPostOfOthers = new Set<string>();
    let t = Date.parse('2026-12-01T10:00:00Z');
    let batch: IntentEntry[] = [];
    const loop = watchLoopDelay();
    for (let i = 0; i < DELIVERIES; i += 1) {
      let body: string;
      if (sent.length > 0 && rand() < 0.25) body = sent[int(sent.length)]!;
      else {
        const hostile = rand() < 0.03;
        const postId = posts[int(posts.length)]!;
        const commentId = hostile ? HOSTILE_IDS[int(HOSTILE_IDS.length)]! : `${postId.split('_')[0]}_${int(400)}${rand() < 0.05 ? '_1' : ''}`;
        const person = int(120);
        const pageId = rand() < 0.08 ? 'page2' : PAGE;
        const verb = (['add', 'add', 'add', 'edited', 'remove', 'hide', 'unhide'] as const)[int(7)];
        const text = TEXTS[int(TEXTS.length)]!.text;
        // Meta's time of the change, mostly increasing with some out of order.
        t += 1000 - int(1500);
        body = JSON.stringify(webhookPayload([feedEntry(pageId, [commentChange({ pageId, postId, commentId, from: { id: `9${person}`, name: `Fuzz ${person}` }, message: text, verb })], t)]));
      }
      sent.push(body);
      const norm = normaliseWebhook(webhookEnvelope.parse(JSON.parse(body)), PAGE, t);
      const env = JSON.parse(body) as { entry: Array<{ id: string; changes: Array<{ value: { comment_id: string; post_id: string; verb: string } }> }> };
      const change = env.entry[0]!.changes[0]!.value;
      if (norm.items.length === 0) refused.add(change.comment_id);
      for (const item of norm.items) {
        if (item.kind !== 'comment') continue;
        accepted.add(item.commentId);
        if (item.postId !== eventPost) byPostOfOthers.add(item.from?.id ?? '');
        const intent = item.verb === 'remove' ? null : (TEXTS.find((x) => x.text === item.message)?.intent ?? 'other');
        batch.push({ item, intent, confidence: intent ? 0.9 : null, scores: null, modelVersion: intent ? 'fuzz' : null });
      }
      if (batch.length >= 500) {
        await feedIntents(h, batch);
        batch = [];
      }
      if (i === DELIVERIES / 2) {
        // Half way: 30 days pass and the Redis sent markers expire; the replays that follow must
        // find the replies recorded on their comments.
        await feedIntents(h, batch);
        batch = [];
        await settled(h);
        await until('sent replies recorded', async () => (await h.ctx.queues.queue('db-write').getJobCounts('waiting', 'active')).waiting === 0);
        const markers = await h.t.redis.keys(h.t.keys.sentMarker('*', '*'));
        if (markers.length > 0) await h.t.redis.del(...markers);
      }
    }
    await feedIntents(h, batch);
    await settled(h);
    const delay = loop.stop();
    console.log(`delivery fuzz: ${DELIVERIES} deliveries, ${delay.text}`);

    // The files parse.
    for (const f of (await readdir(h.dataDir)).filter((x) => x.endsWith('.json'))) {
      JSON.parse(await readFile(path.join(h.dataDir, f), 'utf8'));
    }
    // Every accepted comment once, nothing refused, no prototype touched.
    const comments = h.module.state()!.comments;
    const recorded = Object.keys(comments);
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(new Set(recorded)).toEqual(accepted);
    for (const id of HOSTILE_IDS) expect(Object.hasOwn(comments, id), id).toBe(false);
    expect(({} as Record<string, unknown>).signupId).toBeUndefined();
    // No reply doubled: each public reply sent matches its own entry in some comment's outbox
    // (the record of every reply a change caused; replays re-queue those same entries). A text
    // may rightly go twice to one comment (waitlisted, promoted, then waitlisted again by an
    // edit), but never more often than changes caused it.
    const allowed = new Map<string, number>();
    for (const c of Object.values(comments)) {
      for (const r of c.outbox) {
        const target = 'commentId' in r.to ? (r.to.private ? null : r.to.commentId) : (r.to.fallbackCommentId ?? null);
        if (target) allowed.set(`${target}|${r.text}`, (allowed.get(`${target}|${r.text}`) ?? 0) + 1);
      }
    }
    const publicReplies = graph.of('replyToComment').map((r) => `${r.commentId}|${r.message}`);
    const sentCount = new Map<string, number>();
    for (const k of publicReplies) sentCount.set(k, (sentCount.get(k) ?? 0) + 1);
    const doubled = [...sentCount].filter(([k, n]) => n > (allowed.get(k) ?? 0));
    expect(doubled).toEqual([]);
    const privateReplies = graph.of('privateReply').map((r) => r.commentId);
    expect(new Set(privateReplies).size).toBe(privateReplies.length);
    // Capacity held and the app still answers.
    const signups = await call(h.module, 'signups.list', { eventId });
    expect(signups.slots[0]!.taken).toBeLessThanOrEqual(40);
    expect(refused.size).toBeGreaterThan(0);
    expect(publicReplies.length).toBeGreaterThan(50);
  });
});
