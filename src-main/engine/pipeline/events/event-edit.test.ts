import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from '../testing/harness';

const person = (n: number) => ({ id: `200${n}`, name: `Person${n} Surname` });

describe('editing an event and its signups', () => {
  let h: Harness;
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = new FakeGraph();
    h = await startHarness({ graph });
  });
  afterEach(() => h.cleanup());

  async function publishedEvent(capacity: number): Promise<{ id: string; postId: string; slotId: string }> {
    const e = await call(h.module, 'events.create', {
      title: 'Beach clean',
      slots: [{ title: 'Morning', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity }],
    });
    await call(h.module, 'events.publish', { id: e.id });
    await until('the post is published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const got = await call(h.module, 'events.get', { id: e.id });
    return { id: e.id, postId: got.postId!, slotId: got.slots[0]!.id };
  }

  const names = async (eventId: string) => {
    const list = await call(h.module, 'signups.list', { eventId });
    return { signedUp: list.slots[0]!.signups.map((s) => s.volunteerName), waiting: list.slots[0]!.waitlist.map((s) => s.volunteerName) };
  };

  const slotInput = (slotId: string, capacity: number) => [{ id: slotId, title: 'Morning', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity }];

  it('promotes the people waiting when the coordinator raises a capacity, and tells them', async () => {
    const e = await publishedEvent(1);
    const c = [1, 2, 3].map((n) => commentIntent({ postId: e.postId, from: person(n), message: "I'm in", intent: 'signup' }));
    await feedIntents(h, c);
    await settled(h);
    expect(await names(e.id)).toEqual({ signedUp: ['Person1 Surname'], waiting: ['Person2 Surname', 'Person3 Surname'] });

    const view = await call(h.module, 'events.update', { id: e.id, slots: slotInput(e.slotId, 2) });
    expect(view.slots[0]).toMatchObject({ capacity: 2, taken: 2, waitlisted: 1 });
    await settled(h);
    expect(await names(e.id)).toEqual({ signedUp: ['Person1 Surname', 'Person2 Surname'], waiting: ['Person3 Surname'] });
    expect(h.live.some((m) => m.event === 'signup.promoted' && m.payload.volunteerName === 'Person2 Surname')).toBe(true);
    const c2 = c[1]!.item.kind === 'comment' ? c[1]!.item.commentId : '';
    expect(graph.of('replyToComment').filter((r) => r.commentId === c2).map((r) => r.message)).toEqual([
      expect.stringMatching(/full/), expect.stringMatching(/A place opened up/),
    ]);
  });

  it('keeps everyone signed up when a capacity is lowered below them, and takes nobody new', async () => {
    const e = await publishedEvent(3);
    await feedIntents(h, [1, 2, 3].map((n) => commentIntent({ postId: e.postId, from: person(n), message: "I'm in", intent: 'signup' })));
    await settled(h);
    const view = await call(h.module, 'events.update', { id: e.id, slots: slotInput(e.slotId, 1) });
    expect(view.slots[0]).toMatchObject({ capacity: 1, taken: 3 });
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(4), message: "I'm in", intent: 'signup' })]);
    await settled(h);
    expect(await names(e.id)).toEqual({ signedUp: ['Person1 Surname', 'Person2 Surname', 'Person3 Surname'], waiting: ['Person4 Surname'] });
    // Two cancel: still at capacity, so nobody is promoted yet.
    await feedIntents(h, [1, 2].map((n) => commentIntent({ postId: e.postId, from: person(n), message: "sorry, can't make it", intent: 'cancel' })));
    await settled(h);
    expect(await names(e.id)).toEqual({ signedUp: ['Person3 Surname'], waiting: ['Person4 Surname'] });
  });

  it('waitlists a whole party that grows past the free places in an edit, and frees places when it shrinks', async () => {
    const e = await publishedEvent(2);
    const first = commentIntent({ postId: e.postId, from: person(1), message: "I'm in", intent: 'signup' });
    const second = commentIntent({ postId: e.postId, from: person(2), message: "I'm in", intent: 'signup' });
    await feedIntents(h, [first, second]);
    await settled(h);
    const id1 = first.item.kind === 'comment' ? first.item.commentId : '';

    // "me + 2 friends" does not fit next to Person2: the party of three waits as a whole.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: "I'm in, me + 2 friends", intent: 'signup', verb: 'edited' })]);
    await settled(h);
    let list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.taken).toBe(1);
    expect(list.slots[0]!.waitlist.map((s) => [s.volunteerName, s.partySize])).toEqual([['Person1 Surname', 3]]);
    expect((await call(h.module, 'comments.list', { eventId: e.id })).find((x) => x.id === id1)).toMatchObject({ action: 'waitlisted' });
    // Told, as a new party of three would be (no Messenger window open: under the comment).
    await until('the waitlist note', () => graph.of('replyToComment').some((r) => r.commentId === id1 && /on the waitlist/.test(r.message)));

    // Person2 cancels: two places free, the party of three still waits (a party is never split).
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(2), message: "sorry, can't make it", intent: 'cancel' })]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups).toEqual([]);
    // The party shrinks to two in another edit: it fits now and is promoted.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: "I'm in, me + 1 friend", intent: 'signup', verb: 'edited' })]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => [s.volunteerName, s.partySize])).toEqual([['Person1 Surname', 2]]);
    expect(list.slots[0]!.taken).toBe(2);
  });

  it('lets a signed-up party grow in an edit while it fits, and gives freed places to the people waiting', async () => {
    const e = await publishedEvent(3);
    const first = commentIntent({ postId: e.postId, from: person(1), message: "I'm in", intent: 'signup' });
    await feedIntents(h, [first]);
    await settled(h);
    const id1 = first.item.kind === 'comment' ? first.item.commentId : '';
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: "I'm in, me + 2 friends", intent: 'signup', verb: 'edited' })]);
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(2), message: "I'm in", intent: 'signup' })]);
    await settled(h);
    let list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.taken).toBe(3);
    expect(list.slots[0]!.waitlist.map((s) => s.volunteerName)).toEqual(['Person2 Surname']);
    // Back to just "me": two places free up and Person2 is promoted.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: "I'm in", intent: 'signup', verb: 'edited' })]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => [s.volunteerName, s.partySize])).toEqual([['Person1 Surname', 1], ['Person2 Surname', 1]]);
  });

  it('keeps slot descriptions through an edit that does not send them, and clears them only when asked', async () => {
    const e = await call(h.module, 'events.create', {
      title: 'Pantry',
      slots: [{ title: 'Sorting', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 4, description: 'Sort tins by date' }],
    });
    const slotId = e.slots[0]!.id;
    expect(e.slots[0]!.description).toBe('Sort tins by date');
    let view = await call(h.module, 'events.update', { id: e.id, slots: slotInput(slotId, 5) });
    expect(view.slots[0]).toMatchObject({ capacity: 5, description: 'Sort tins by date' });
    expect(view.postText).toContain('Sort tins by date');
    view = await call(h.module, 'events.update', { id: e.id, slots: [{ ...slotInput(slotId, 5)[0]!, description: 'Pack boxes' }] });
    expect(view.slots[0]!.description).toBe('Pack boxes');
    view = await call(h.module, 'events.update', { id: e.id, slots: [{ ...slotInput(slotId, 5)[0]!, description: null }] });
    expect(view.slots[0]!.description).toBeNull();
    // A new slot (no id) takes only what it is given.
    view = await call(h.module, 'events.update', { id: e.id, slots: [...slotInput(slotId, 5), { title: 'Driving', start: '2026-12-05T13:00:00Z', end: '2026-12-05T15:00:00Z', capacity: 2 }] });
    expect(view.slots.map((s) => s.description)).toEqual([null, null]);
  });
});
