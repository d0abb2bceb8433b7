import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../../contract';
import { createGraphSimulator, type GraphSimulator } from '../../../simulator/graph-simulator';
import { GraphClient } from '../../facebook/graph-client';
import { memoryLogger } from '../../log';
import { call } from '../testing/call';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from '../testing/harness';

const DAY = 86_400_000;

/** Replies that can never go out, played by the Graph simulator behind the real Graph client. */
describe('replies that cannot be sent', () => {
  let h: Harness;
  let sim: GraphSimulator;

  beforeEach(async () => {
    const log = memoryLogger();
    sim = await createGraphSimulator({ log, clock: { now: () => Date.now() } });
    const simulator = sim;
    h = await startHarness({
      graph: new GraphClient({ baseUrl: () => simulator.url, version: () => 'v25.0', pageId: () => simulator.pageId, pageToken: () => 'page-token', clock: { now: () => h.clock.now() }, log }),
    });
  });
  afterEach(async () => {
    await h.cleanup();
    await sim.close();
  });

  async function publishedEvent(): Promise<{ id: string; postId: string }> {
    const e = await call(h.module, 'events.create', { title: 'Beach clean', slots: [{ title: 'Morning', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 5 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('the post is published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    return { id: e.id, postId: (await call(h.module, 'events.get', { id: e.id })).postId! };
  }

  const health = async (): Promise<string[]> => {
    const report = { problems: [], streams: {}, queues: {} } as unknown as HealthReport;
    await h.module.health!(report);
    return report.problems;
  };

  it('records a public reply Facebook refuses on the comment, tells the screen, and counts it in health', async () => {
    const e = await publishedEvent();
    const c = commentIntent({ postId: e.postId, from: { id: '4001', name: 'Maria Lopez' }, message: "I'm in", intent: 'signup' });
    const commentId = c.item.kind === 'comment' ? c.item.commentId : '';
    // The comment was deleted before the reply went out: Meta answers (#100) subcode 33.
    sim.failNext({ kind: 'permanent', code: 100, subcode: 33, message: 'Unsupported post request. Object does not exist' }, 1, `${commentId}/comments`);
    expect(await health()).toEqual([]);
    await feedIntents(h, [c]);
    await settled(h, ['reply', 'db-write']);
    await until('the problem is recorded', async () => (await call(h.module, 'comments.list', { eventId: e.id })).some((x) => x.replyProblems.length > 0));

    const [view] = await call(h.module, 'comments.list', { eventId: e.id });
    expect(view!.replyProblems).toEqual([{ channel: 'public', reason: expect.stringMatching(/no longer exists/), at: expect.any(String) }]);
    // The private reply still went out: only the refused one is a problem.
    expect(sim.calls({ method: 'POST', pathIncludes: '/messages' })).toHaveLength(1);
    expect(h.live.some((m) => m.event === 'comment.updated' && m.payload.comment.id === commentId && m.payload.comment.replyProblems.length === 1)).toBe(true);
    expect(await health()).toEqual([expect.stringMatching(/^1 reply to comments could not be sent/)]);
    // A week later it no longer marks the app unwell.
    h.clock.advance(8 * DAY);
    expect(await health()).toEqual([]);
  });

  it('does not call Facebook for a private reply to a comment older than 7 days, and says why', async () => {
    const e = await publishedEvent();
    const old = commentIntent({ postId: e.postId, from: { id: '4002', name: 'Sam Lee' }, message: "I'm in", intent: 'signup', at: h.clock.now() - 8 * DAY });
    const commentId = old.item.kind === 'comment' ? old.item.commentId : '';
    await feedIntents(h, [old]);
    await settled(h, ['reply', 'db-write']);
    await until('the problem is recorded', async () => (await call(h.module, 'comments.list', { eventId: e.id })).some((x) => x.replyProblems.length > 0));

    const messages = sim.calls({ method: 'POST', pathIncludes: '/messages' });
    expect(messages.filter((m) => (m.body?.recipient as { comment_id?: string } | undefined)?.comment_id === commentId)).toEqual([]);
    // The public reply is not limited and went out.
    expect(sim.calls({ method: 'POST', pathIncludes: `${commentId}/comments` })).toHaveLength(1);
    const view = (await call(h.module, 'comments.list', { eventId: e.id })).find((x) => x.id === commentId)!;
    expect(view.replyProblems).toEqual([{ channel: 'private', reason: expect.stringMatching(/within 7 days.*8 days old/), at: expect.any(String) }]);
    // Skipped, not failed: no job is left failed for it.
    expect(await h.ctx.queues.queue('reply').getJobs(['failed'])).toEqual([]);
  });

  it('records a refused private reply once, however often the comment is delivered', async () => {
    const e = await publishedEvent();
    const c = commentIntent({ postId: e.postId, from: { id: '4003', name: 'Ana Silva' }, message: "I'm in", intent: 'signup' });
    const commentId = c.item.kind === 'comment' ? c.item.commentId : '';
    sim.failNext({ kind: 'permanent', code: 551, message: 'This person isn\'t available right now.' }, 1, '/messages');
    await feedIntents(h, [c, c]);
    await settled(h, ['reply', 'db-write']);
    await until('the problem is recorded', async () => (await call(h.module, 'comments.list', { eventId: e.id })).some((x) => x.replyProblems.length > 0));
    const view = (await call(h.module, 'comments.list', { eventId: e.id })).find((x) => x.id === commentId)!;
    expect(view.replyProblems).toEqual([{ channel: 'private', reason: expect.stringMatching(/not available in Messenger/), at: expect.any(String) }]);
  });
});
