import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph } from './testing/fake-graph';
import { call, publishedEvent } from './testing/call';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from './testing/harness';

/**
 * Meta redelivers a webhook it thinks failed, and a replay can come long after the first one
 * (a backlog drained after an outage, a restored Redis). The 30-day Redis sent markers must not
 * be what stands between a person and a second "you're signed up".
 */
describe('a reply goes out once for as long as the comment is kept', () => {
  let h: Harness;
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = new FakeGraph();
    h = await startHarness({ graph });
  });
  afterEach(() => h.cleanup());

  async function expireSentMarkers(): Promise<number> {
    const pattern = h.t.keys.sentMarker('*', '*');
    const keys = await h.t.redis.keys(pattern);
    if (keys.length > 0) await h.t.redis.del(...keys);
    return keys.length;
  }

  it('does not answer a replayed signup again after the sent markers expired, across a restart', async () => {
    const e = await publishedEvent(h.module, { capacity: 4 });
    const postId = e.postId;
    const entry = commentIntent({ postId, from: { id: '4001', name: 'Ana Souza' }, message: "I'm in", intent: 'signup' });
    const commentId = entry.item.kind === 'comment' ? entry.item.commentId : '';
    await feedIntents(h, [entry]);
    await settled(h);
    expect(graph.of('replyToComment')).toHaveLength(1);
    expect(graph.of('privateReply')).toHaveLength(1);

    // The store of record says which replies went out.
    await until('the sent replies are on disk', async () => {
      const file = JSON.parse(await readFile(path.join(h.dataDir, 'comments.json'), 'utf8')) as Record<string, { sent?: string[] }>;
      return (file[commentId]?.sent ?? []).length === 2;
    });

    await h.restart();
    expect(await expireSentMarkers()).toBeGreaterThan(0);
    await feedIntents(h, [entry, entry]);
    await settled(h);
    expect(graph.of('replyToComment')).toHaveLength(1);
    expect(graph.of('privateReply')).toHaveLength(1);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toHaveLength(1);
  });

  it('still sends a reply that never went out when its delivery is replayed', async () => {
    const e = await publishedEvent(h.module, { capacity: 4 });
    const postId = e.postId;
    const entry = commentIntent({ postId, from: { id: '4002', name: 'Ben Ode' }, message: 'count me in', intent: 'signup' });
    // Stopped before its replies were sent (a crash after the files were written): the outbox keeps them.
    await h.stop();
    await h.restart({ options: { replyConcurrency: 1 } });
    await h.ctx.queues.queue('reply').pause();
    await feedIntents(h, [entry]);
    await until('recorded', async () => (await h.t.redis.xlen(h.t.keys.streamIntents)) === 0);
    await h.ctx.queues.queue('reply').obliterate({ force: true });
    await h.ctx.queues.queue('reply').resume();
    await feedIntents(h, [entry]);
    await settled(h);
    expect(graph.of('replyToComment')).toHaveLength(1);
    expect(graph.of('privateReply')).toHaveLength(1);
  });
});
