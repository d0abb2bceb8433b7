import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphError } from '../facebook/graph-types';
import { FakeGraph } from './testing/fake-graph';
import { call } from './testing/call';
import { commentIntent, feedIntents, postbackIntent, settled, startHarness, until, type Harness } from './testing/harness';
import type { PipelineActivity, PipelineMetric } from './effects';
import { isolate } from '../bidi';

const person = (n: number) => ({ id: `100${n}`, name: `Person${n} Surname` });

describe('signup pipeline', () => {
  let h: Harness;
  let graph: FakeGraph;
  const activities: PipelineActivity[] = [];
  const metrics: PipelineMetric[] = [];
  const gone: string[] = [];

  beforeEach(async () => {
    graph = new FakeGraph();
    activities.length = 0;
    metrics.length = 0;
    gone.length = 0;
    h = await startHarness({ graph, onActivities: (a) => void activities.push(...a), onActivitiesGone: (ids) => void gone.push(...ids), onMetrics: (m) => void metrics.push(...m) });
  });
  afterEach(() => h.cleanup());

  async function publishedEvent(capacities: number[] = [2]): Promise<{ id: string; postId: string; slots: string[] }> {
    const titles = ['Morning', 'Afternoon', 'Evening'];
    const e = await call(h.module, 'events.create', {
      title: 'Beach clean',
      description: 'Gloves and bags are provided. Wear sturdy shoes.',
      location: 'North pier car park',
      slots: capacities.map((capacity, i) => ({
        title: titles[i]!, start: `2026-12-05T${String(9 + i * 4).padStart(2, '0')}:00:00Z`, end: `2026-12-05T${String(12 + i * 4).padStart(2, '0')}:00:00Z`, capacity,
      })),
    });
    await call(h.module, 'events.publish', { id: e.id });
    await until('the post is published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const got = await call(h.module, 'events.get', { id: e.id });
    return { id: e.id, postId: got.postId!, slots: got.slots.map((s) => s.id) };
  }

  it('publishes the generated post and shows the link', async () => {
    const e = await publishedEvent([3, 3]);
    const post = graph.of('publishPost')[0]!;
    expect(post.message).toContain('Beach clean');
    expect(post.message).toContain('North pier car park');
    expect(post.message).toMatch(/comment with the shift you want/);
    const view = await call(h.module, 'events.get', { id: e.id });
    expect(view.permalinkUrl).toBe(`https://facebook.test/${e.postId}`);
    await until('the live update', () => h.live.some((m) => m.event === 'event.updated' && m.payload.event.status === 'published'));
    await expect(call(h.module, 'events.publish', { id: e.id })).rejects.toThrow(/already published/);
  });

  it('records a failed publish with the reason, and schedules within Meta limits', async () => {
    graph.failNext('publishPost', new GraphError('permanent', 'Could not publish the post: Facebook no longer accepts the Page token. Reconnect the Page in Settings.', { code: 190 }));
    const e = await call(h.module, 'events.create', { title: 'Pantry', slots: [{ title: 'Shift', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 4 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('the publish fails', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'failed');
    expect((await call(h.module, 'events.get', { id: e.id })).failureReason).toMatch(/Reconnect the Page/);
    await expect(call(h.module, 'events.publish', { id: e.id, at: new Date(h.clock.now() + 60_000).toISOString() })).rejects.toThrow(/10 minutes and 30 days/);
    const at = h.clock.now() + 3600_000;
    await call(h.module, 'events.publish', { id: e.id, at: new Date(at).toISOString() });
    await until('the post is scheduled', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'scheduled');
    expect(graph.of('publishPost').at(-1)!.scheduledAt).toBe(at);
    h.clock.advance(3600_000);
    expect((await call(h.module, 'events.get', { id: e.id })).status).toBe('published');
  });

  it('signs up, waitlists when full, promotes on cancel, and replies once each', async () => {
    const e = await publishedEvent([2]);
    const c = [1, 2, 3].map((n) => commentIntent({ postId: e.postId, from: person(n), message: "I'm in!", intent: 'signup' }));
    await feedIntents(h, [...c, c[0]!, c[1]!]);
    await settled(h);
    let list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Person1 Surname', 'Person2 Surname']);
    expect(list.slots[0]!.waitlist.map((s) => s.volunteerName)).toEqual(['Person3 Surname']);
    expect(graph.of('replyToComment').map((r) => r.commentId).sort()).toEqual(c.map((x) => x.item.kind === 'comment' && x.item.commentId).sort());
    expect(graph.of('privateReply')).toHaveLength(3);
    expect(graph.of('privateReply')[2]!.message.text).toMatch(/number 1 on the waitlist/);
    expect(graph.of('privateReply')[0]!.message.quickReplies?.map((q) => q.title)).toEqual(['Yes', 'No']);
    const created = h.live.filter((m) => m.event === 'signup.created');
    expect(created).toHaveLength(3);
    expect(created[0]!.payload).toMatchObject({ volunteerName: 'Person1 Surname', eventTitle: 'Beach clean', slotTitle: 'Morning', returning: false, waitlisted: false });

    // Person 1 cancels in a comment: Person 3 is promoted and told in Messenger (their PSID came back with the private reply).
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(1), message: "sorry, can't make it", intent: 'cancel' })]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Person2 Surname', 'Person3 Surname']);
    expect(list.slots[0]!.waitlist).toEqual([]);
    expect(list.cancelled.map((s) => s.volunteerName)).toEqual(['Person1 Surname']);
    expect(h.live.some((m) => m.event === 'signup.promoted' && m.payload.volunteerName === 'Person3 Surname')).toBe(true);
    expect(h.live.some((m) => m.event === 'waitlist.changed' && m.payload.waitlist.length === 0)).toBe(true);
    // No template set up and no message from them yet: the promotion goes under their comment.
    const c3 = c[2]!.item.kind === 'comment' ? c[2]!.item.commentId : '';
    expect(graph.of('replyToComment').filter((r) => r.commentId === c3).map((r) => r.message)).toEqual([
      expect.stringMatching(/full/), expect.stringMatching(/A place opened up/),
    ]);
    // Four comments (the two repeated deliveries are not new), and what they caused; the publish was the coordinator's.
    expect(activities.map((a) => a.verb).sort()).toEqual([
      'cancelled', 'commented', 'commented', 'commented', 'commented', 'coordinator_published', 'promoted', 'signed_up', 'signed_up', 'signed_up',
    ]);
    expect(activities.find((a) => a.verb === 'coordinator_published')).toMatchObject({ actorId: 'coordinator', actorName: 'You', eventId: e.id });
    expect(metrics.filter((m) => m.name === `signups.${e.id}`).at(-1)!.value).toBe(2);
  });

  it('puts a comment that names no shift on the first shift with room, never on a waitlist while another has places', async () => {
    // Morning (3) and Afternoon (4): seven people who name no shift fill both, nobody waits.
    const e = await publishedEvent([3, 4]);
    const ids: string[] = [];
    for (let i = 1; i <= 7; i += 1) {
      const c = commentIntent({ postId: e.postId, from: person(i), message: i % 2 ? 'count me in' : "I'm in!", intent: 'signup' });
      ids.push(c.item.kind === 'comment' ? c.item.commentId : '');
      await feedIntents(h, [c]);
    }
    await settled(h);
    let list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots.map((s) => [s.signups.length, s.waitlist.length])).toEqual([[3, 0], [4, 0]]);
    expect(list.slots[1]!.signups.map((s) => s.volunteerName).sort()).toEqual(['Person4 Surname', 'Person5 Surname', 'Person6 Surname', 'Person7 Surname']);
    // Person 5 edits the comment without naming a shift: the place stays where it is.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: ids[4]!, from: person(5), message: 'count me in, bringing gloves', intent: 'signup', verb: 'edited' })]);
    // Both shifts are full now: the eighth person waits for the first one.
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(8), message: 'count me in', intent: 'signup' })]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[1]!.signups.map((s) => s.volunteerName)).toContain('Person5 Surname');
    expect(list.slots[0]!.waitlist.map((s) => s.volunteerName)).toEqual(['Person8 Surname']);
    // Every shift full: the plain waitlist reply, not one offering a shift with no room.
    const last = graph.of('replyToComment').at(-1)!;
    expect(last.message).toMatch(/Morning is full, so you're on the waitlist/);
  });

  it('sends a party to the first shift its whole party fits in', async () => {
    const e = await publishedEvent([2, 4]);
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(1), message: 'count me in', intent: 'signup' })]);
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(2), message: 'me + 2 friends', intent: 'signup' })]);
    await settled(h);
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Person1 Surname']);
    expect(list.slots[1]!.signups.map((s) => [s.volunteerName, s.partySize])).toEqual([['Person2 Surname', 3]]);
  });

  it('follows edited and deleted comments, and ignores comments it should not act on', async () => {
    const e = await publishedEvent([1, 5]);
    const first = commentIntent({ postId: e.postId, from: person(1), message: 'count me in', intent: 'signup' });
    const second = commentIntent({ postId: e.postId, from: person(2), message: 'me too please, morning', intent: 'signup' });
    await feedIntents(h, [first, second]);
    await settled(h);
    let list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.waitlist.map((s) => s.volunteerName)).toEqual(['Person2 Surname']);
    // Waitlisted for the morning they asked for while the afternoon has room: the reply says so.
    const waitlistReply = graph.of('replyToComment').find((r) => r.commentId === (second.item.kind === 'comment' ? second.item.commentId : ''));
    expect(waitlistReply?.message).toMatch(/Morning is full.*Afternoon \(.*\) still has room: edit your comment/);
    const id1 = first.item.kind === 'comment' ? first.item.commentId : '';
    const id2 = second.item.kind === 'comment' ? second.item.commentId : '';

    // Person 1 edits to the afternoon: the morning place goes to person 2.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: 'count me in for the afternoon', intent: 'signup', verb: 'edited' })]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Person2 Surname']);
    expect(list.slots[1]!.signups.map((s) => s.volunteerName)).toEqual(['Person1 Surname']);
    // Edited into a question: the signup is withdrawn and the question goes to the inbox.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: 'where do we park?', intent: 'question', verb: 'edited' })]);
    // Person 2 deletes the comment: withdrawn.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id2, from: person(2), message: '', intent: null, verb: 'remove' })]);
    // A late duplicate of the original add changes nothing.
    await feedIntents(h, [first]);
    // Not our post, and the Page's own comment.
    await feedIntents(h, [
      commentIntent({ postId: 'someone_elses_post', from: person(7), message: "I'm in", intent: 'signup' }),
      commentIntent({ postId: e.postId, from: { id: 'page1', name: 'Our page' }, message: 'Thanks all!', intent: 'signup' }),
    ]);
    await settled(h);
    list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots.flatMap((s) => [...s.signups, ...s.waitlist])).toEqual([]);
    expect(list.cancelled.map((s) => s.volunteerName).sort()).toEqual(['Person1 Surname', 'Person2 Surname']);
    // The removed comment takes its "commented" activity back out of the feed; the edited one keeps it.
    expect(gone).toEqual([`commented:${id2}`]);
    expect(activities.filter((a) => a.verb === 'commented').map((a) => a.id).sort()).toEqual([`commented:${id1}`, `commented:${id2}`].sort());
    const inbox = await call(h.module, 'inbox.list', { eventId: e.id });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.suggestedAnswer).toContain('North pier car park');
    const comments = await call(h.module, 'comments.list', { eventId: e.id });
    expect(comments.find((x) => x.id === id1)).toMatchObject({ state: 'edited', intent: 'question', action: 'question' });
    expect(comments.find((x) => x.id === id2)).toMatchObject({ state: 'removed', action: 'withdrawn' });
    expect(comments.some((x) => x.authorId === 'page1')).toBe(true);
    // A comment on a post that is not an event is kept but creates no one in the roster.
    expect((await call(h.module, 'volunteers.search', { query: 'person7' })).total).toBe(0);
    // One public + one private reply per signup comment, none for the page or the other post.
    expect(graph.of('privateReply').map((p) => p.commentId).sort()).toEqual([id1, id2].sort());
    // Hidden by the Page: its "commented" activity leaves the feed too, once however often.
    const hide = commentIntent({ postId: e.postId, commentId: id1, from: person(1), message: '', intent: null, verb: 'hide' });
    await feedIntents(h, [hide]);
    await feedIntents(h, [hide]);
    await settled(h);
    expect(gone).toEqual([`commented:${id2}`, `commented:${id1}`]);
  });

  it('signs up a comment whose hide arrived before its add, and keeps it hidden (any order, one state)', async () => {
    const e = await publishedEvent([3]);
    const add = commentIntent({ postId: e.postId, from: person(3), message: 'count me in', intent: 'signup' });
    const id = add.item.kind === 'comment' ? add.item.commentId : '';
    // Meta does not promise order: the hide comes first, with no text.
    await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id, from: person(3), message: '', intent: null, verb: 'hide' })]);
    await settled(h);
    await feedIntents(h, [add]);
    await settled(h);
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Person3 Surname']);
    const comments = await call(h.module, 'comments.list', { eventId: e.id });
    expect(comments.find((x) => x.id === id)).toMatchObject({ message: 'count me in', action: 'signed_up' });
    // The hide still holds (the window shows hidden comments as active; the record keeps it).
    expect(h.module.state()!.comments[id]!.state).toBe('hidden');
    // A second delivery of the add is then stale: still one signup, one private reply.
    await feedIntents(h, [add]);
    await settled(h);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toHaveLength(1);
    expect(graph.of('privateReply').filter((p) => p.commentId === id)).toHaveLength(1);
  });

  it('treats comment and person ids named like Object.prototype members as ordinary ids if they get past the edge', async () => {
    const e = await publishedEvent([5]);
    const hostile = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    for (const [i, id] of hostile.entries()) {
      await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id, from: person(i + 1), message: 'count me in', intent: 'signup' })]);
      await feedIntents(h, [commentIntent({ postId: e.postId, commentId: id, from: person(i + 1), message: 'count me in!', intent: 'signup', verb: 'edited' })]);
    }
    await settled(h);
    // A comment after them is still signed up: nothing shared was written over.
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(8), message: 'me too', intent: 'signup' })]);
    await settled(h);
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName).sort()).toEqual([1, 2, 3, 4, 8].map((n) => `Person${n} Surname`).sort());
    const comments = await call(h.module, 'comments.list', { eventId: e.id });
    for (const id of hostile) expect(comments.find((x) => x.id === id)).toMatchObject({ message: 'count me in!', action: 'signed_up' });
    expect(Object.getPrototypeOf(h.module.state()!.comments)).toBeNull();
  });

  it('confirms or withdraws from the Yes / No answer in Messenger', async () => {
    const e = await publishedEvent([1]);
    const a = commentIntent({ postId: e.postId, from: person(1), message: "I'm in", intent: 'signup' });
    const b = commentIntent({ postId: e.postId, from: person(2), message: "I'm in", intent: 'signup' });
    await feedIntents(h, [a, b]);
    await settled(h);
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    const s1 = list.slots[0]!.signups[0]!;
    const s2 = list.slots[0]!.waitlist[0]!;
    const psid1 = graph.of('privateReply').find((p) => p.commentId === s1.commentId)!.message.quickReplies![0]!.payload;
    expect(psid1).toBe(`confirm:${s1.id}`);
    const psidOf = (commentId: string | null) => graph.psidOf(commentId!);
    await until('the PSIDs are known', async () => (await call(h.module, 'volunteers.get', { id: s1.volunteerId })).psid !== null);
    const yes = postbackIntent({ psid: psidOf(s2.commentId), payload: `confirm:${s2.id}`, title: 'Yes' });
    await feedIntents(h, [yes, yes, postbackIntent({ psid: psidOf(s1.commentId), payload: `decline:${s1.id}`, title: 'No' })]);
    await settled(h);
    const after = await call(h.module, 'signups.list', { eventId: e.id });
    expect(after.cancelled.map((s) => s.id)).toEqual([s1.id]);
    expect(after.slots[0]!.signups.map((s) => [s.id, s.confirmation])).toEqual([[s2.id, 'confirmed']]);
    // The person's own "No" is a cancellation.
    await until('the cancellation counted', () => metrics.some((m) => m.name === `cancellations.${e.id}` && m.value === 1));
    const messages = graph.of('sendMessage');
    // One answer per button press (the duplicate is not answered twice) and the promotion note.
    expect(messages.filter((m) => m.message.text.startsWith(`Thanks ${isolate('Person2')}`)).map((m) => m.message.text)).toEqual([expect.stringMatching(/still on the waitlist/)]);
    expect(messages.filter((m) => /A place opened up/.test(m.message.text))).toHaveLength(1);
    expect(messages.filter((m) => /freed your place/.test(m.message.text))).toHaveLength(1);
    // Yes after giving the place up: told so, not signed up again.
    await feedIntents(h, [postbackIntent({ psid: psidOf(s1.commentId), payload: `confirm:${s1.id}`, title: 'Yes' })]);
    await settled(h);
    expect(graph.of('sendMessage').at(-1)!.message.text).toMatch(/already given up/);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).cancelled.map((s) => s.id)).toEqual([s1.id]);
  });

  it('lets the coordinator add, move, remove and mark attendance by hand', async () => {
    const e = await publishedEvent([1, 1]);
    const added = await call(h.module, 'signups.add', { eventId: e.id, name: 'Walk-in Will' });
    expect(added).toMatchObject({ status: 'signed_up', source: 'coordinator', slotId: e.slots[0] });
    const waiting = await call(h.module, 'signups.add', { eventId: e.id, name: 'Second Sam' });
    expect(waiting.status).toBe('waitlisted');
    const moved = await call(h.module, 'signups.move', { signupId: waiting.id, slotId: e.slots[1]! });
    expect(moved.status).toBe('signed_up');
    await expect(call(h.module, 'signups.add', { eventId: e.id, volunteerId: added.volunteerId })).rejects.toThrow(/already signed up/);
    expect(await call(h.module, 'signups.markAttendance', { marks: [{ signupId: added.id, attended: true }] })).toEqual({ updated: 1 });
    const before = metrics.length;
    const removed = await call(h.module, 'signups.remove', { signupId: moved.id });
    expect(removed.removed.status).toBe('cancelled');
    // Removed by the coordinator: an undo. Its "signed up" (and any "promoted") are taken back
    // by reference (their ids end in a time) and no "cancelled" line is written for the person.
    expect(gone).toEqual([`signed_up:${moved.id}`, `promoted:${moved.id}`]);
    expect(activities.filter((a) => a.id.includes(moved.id)).map((a) => a.verb)).toEqual(['signed_up', 'coordinator_added_signup', 'coordinator_removed_signup']);
    // Nor is it a cancellation on the Metrics screen: the person did not withdraw.
    await until('the figures after the removal', () => metrics.slice(before).some((m) => m.name === `cancellations.${e.id}`));
    expect(metrics.slice(before).filter((m) => m.name === `cancellations.${e.id}`).map((m) => m.value)).toEqual([0]);
    const csv = await call(h.module, 'signups.export', { eventId: e.id });
    expect(csv.filename).toBe('beach-clean-signups.csv');
    expect(csv.csv.split('\r\n')[1]).toMatch(/^Walk-in Will,,Morning,signed_up,,1,not_asked,yes,no,/);
    expect(activities.some((a) => a.verb === 'attended')).toBe(true);
    // The coordinator's own hand shows in the feed as theirs, once per action.
    const mine = activities.filter((a) => a.actorId === 'coordinator').map((a) => a.verb);
    expect(mine.sort()).toEqual(['coordinator_added_signup', 'coordinator_added_signup', 'coordinator_published', 'coordinator_removed_signup']);
    await call(h.module, 'events.update', { id: e.id, location: 'South pier' });
    await until('the edit is in the feed', () => activities.some((a) => a.verb === 'coordinator_updated' && a.eventId === e.id));
    const v = await call(h.module, 'volunteers.get', { id: added.volunteerId });
    expect(v.eventsAttended).toBe(1);
  });

  it('answers a question from the inbox once, and applies intent corrections', async () => {
    const e = await publishedEvent([3]);
    const q = commentIntent({ postId: e.postId, from: person(4), message: 'What time does it start?', intent: 'question' });
    const o = commentIntent({ postId: e.postId, from: person(5), message: 'I would love to join', intent: 'other' });
    await feedIntents(h, [q, o]);
    await settled(h);
    const [item] = await call(h.module, 'inbox.list', { status: 'open' });
    expect(item!.suggestedAnswer).toMatch(/09:00/);
    expect(item!.suggestedFrom).toEqual(['time']);
    expect(h.live.some((m) => m.event === 'inbox.question')).toBe(true);
    await call(h.module, 'inbox.answer', { id: item!.id, message: item!.suggestedAnswer!, channel: 'both' });
    await expect(call(h.module, 'inbox.answer', { id: item!.id, message: 'again' })).rejects.toThrow(/already answered/);
    const oid = o.item.kind === 'comment' ? o.item.commentId : '';
    const corrected = await call(h.module, 'comments.correct', { commentId: oid, intent: 'signup' });
    expect(corrected).toMatchObject({ correctedIntent: 'signup', action: 'signed_up' });
    await settled(h);
    const qid = q.item.kind === 'comment' ? q.item.commentId : '';
    expect(graph.of('replyToComment').filter((r) => r.commentId === qid)).toHaveLength(1);
    expect(graph.of('privateReply').map((r) => r.commentId).sort()).toEqual([qid, oid].sort());
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toHaveLength(1);
  });

  it('recognises a returning volunteer at once and uses the returning texts', async () => {
    const first = await publishedEvent([5]);
    await feedIntents(h, [commentIntent({ postId: first.postId, from: person(9), message: "I'm in", intent: 'signup' })]);
    await settled(h);
    const second = await publishedEvent([5]);
    await feedIntents(h, [commentIntent({ postId: second.postId, from: person(9), message: "I'm in", intent: 'signup' })]);
    await settled(h);
    const created = h.live.filter((m) => m.event === 'signup.created').map((m) => m.payload.returning);
    expect(created).toEqual([false, true]);
    expect(graph.of('replyToComment').at(-1)!.message.startsWith(`Welcome back ${isolate('Person9')}`)).toBe(true);
    await call(h.module, 'templates.set', { templates: { 'signup.public': 'Yay {firstName} for {event} on {date}!' } });
    await feedIntents(h, [commentIntent({ postId: second.postId, from: person(10), message: "I'm in", intent: 'signup' })]);
    await settled(h);
    expect(graph.of('replyToComment').at(-1)!.message).toBe(`Yay ${isolate('Person10')} for Beach clean on Saturday 5 December!`);
    expect((await call(h.module, 'volunteers.search', { query: '', filter: 'returning' })).items.map((v) => v.name)).toEqual(['Person9 Surname']);
  });

  it('retries transient Graph failures and fails permanent ones once', async () => {
    const e = await publishedEvent([5]);
    graph.failNext('replyToComment', new GraphError('transient', 'Facebook had a temporary problem'), 2);
    graph.failNext('privateReply', new GraphError('permanent', 'Could not send the private reply: older than 7 days', { code: 10903 }));
    await feedIntents(h, [commentIntent({ postId: e.postId, from: person(1), message: "I'm in", intent: 'signup' })]);
    await until('the public reply goes out after retries', () => graph.of('replyToComment').length === 1);
    await settled(h, ['reply']);
    expect(graph.of('privateReply')).toHaveLength(0);
    const failed = await h.ctx.queues.queue('reply').getJobs(['failed']);
    expect(failed.map((j) => j.failedReason)).toEqual([expect.stringMatching(/older than 7 days/)]);
  });
});
