import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntentEntry } from '../streams/entries';
import { FakeGraph } from './testing/fake-graph';
import { call, publishedEvent } from './testing/call';
import { commentIntent, feedIntents, settled, startHarness, type Harness } from './testing/harness';

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/**
 * Meta does not promise the order of a comment's changes (its webhooks reference: deliveries are
 * retried and may arrive out of order) and gives each the time it was made (entry `time`). Every
 * order of add, two edits and a hide must end in the same record: the newest text, hidden, and
 * the signup the newest text asks for (none: it cancels).
 */
describe('a comment ends the same whatever order its changes arrive in', () => {
  let h: Harness;
  let postId = '';
  let eventId = '';

  beforeAll(async () => {
    h = await startHarness({ graph: new FakeGraph() });
    const e = await publishedEvent(h.module, { capacity: 500 });
    postId = e.postId;
    eventId = e.id;
  });
  afterAll(() => h.cleanup());

  it('for all 24 orders of add, edit, edit and hide (and each delivered twice)', async () => {
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    const orders = permutations([0, 1, 2, 3]);
    const batches: IntentEntry[][] = orders.map((order, n) => {
      const commentId = `${postId}_order${n}`;
      const from = { id: `5${String(n).padStart(3, '0')}`, name: `Order${n} Person` };
      const changes: IntentEntry[] = [
        commentIntent({ postId, commentId, from, message: "I'm in", intent: 'signup', verb: 'add', at: t0, changeTime: t0 }),
        commentIntent({ postId, commentId, from, message: "I'm in with my brother", intent: 'signup', verb: 'edited', at: t0, changeTime: t0 + 60_000 }),
        commentIntent({ postId, commentId, from, message: "sorry, can't make it anymore", intent: 'cancel', verb: 'edited', at: t0, changeTime: t0 + 120_000 }),
        commentIntent({ postId, commentId, from, message: '', intent: null, verb: 'hide', at: t0, changeTime: t0 + 180_000 }),
      ];
      return order.map((i) => changes[i]!);
    });
    // One entry at a time per comment in its order, the comments interleaved, then every one replayed.
    for (let step = 0; step < 4; step += 1) await feedIntents(h, batches.map((b) => b[step]!));
    await feedIntents(h, batches.flat());
    await settled(h);

    // The record itself: the view shows a hidden comment as active (the coordinator sees it either way).
    const records = h.module.state()!.comments;
    const signups = await call(h.module, 'signups.list', { eventId });
    const active = new Set(signups.slots.flatMap((s) => [...s.signups, ...s.waitlist]).map((s) => s.volunteerName));
    const outcome = orders.map((order, n) => {
      const c = records[`${postId}_order${n}`];
      return { order: order.join(''), message: c?.message, hidden: c?.state === 'hidden', signedUp: active.has(`Order${n} Person`) };
    });
    for (const o of outcome) expect(o, `order ${o.order}`).toEqual({ order: o.order, message: "sorry, can't make it anymore", hidden: true, signedUp: false });
  });
});
