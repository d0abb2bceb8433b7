import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcError, requests, type RequestName } from '../../contract';
import { prng, randomValue } from '../../../test/support/prng';
import type { Handler } from '../module';
import { FakeGraph } from './testing/fake-graph';
import { call } from './testing/call';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from './testing/harness';

/** Valid arguments per method; the fuzzer keeps some fields and replaces others with awkward values. */
function valid(ids: { event: string; slot: string; signup: string; volunteer: string; comment: string; inbox: string }): Partial<Record<RequestName, Record<string, unknown>>> {
  const slot = { title: 'Shift', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 3 };
  return {
    'events.create': { title: 'T', slots: [slot] },
    'events.update': { id: ids.event, title: 'T2', slots: [{ ...slot, id: ids.slot }], postText: null },
    'events.get': { id: ids.event },
    'events.list': {},
    'events.publish': { id: ids.event },
    'events.previewPost': { title: 'T', slots: [slot] },
    'comments.list': { eventId: ids.event },
    'comments.correct': { commentId: ids.comment, intent: 'cancel' },
    'signups.list': { eventId: ids.event },
    'signups.add': { eventId: ids.event, name: 'Someone' },
    'signups.move': { signupId: ids.signup, slotId: ids.slot },
    'signups.remove': { signupId: ids.signup },
    'signups.markAttendance': { marks: [{ signupId: ids.signup, attended: true }] },
    'signups.export': { eventId: ids.event },
    'inbox.list': {},
    'inbox.answer': { id: ids.inbox, message: 'Hi' },
    'inbox.dismiss': { id: ids.inbox },
    'templates.get': {},
    'templates.set': { templates: { 'signup.public': 'Hi {firstName}' } },
    'volunteers.search': { query: 'a' },
    'volunteers.get': { id: ids.volunteer },
    'volunteers.update': { id: ids.volunteer, notes: 'n', tags: ['a'] },
    'volunteers.merge': { keepId: ids.volunteer, mergeIds: ['nobody'] },
    'volunteers.importCsv': { csv: 'Name,Email\nA,a@b.test' },
    'volunteers.exportCsv': {},
    'broadcasts.preview': { eventId: ids.event },
    'broadcasts.send': { eventId: ids.event, message: 'M', idempotencyKey: 'key-12345' },
    'broadcasts.get': { id: 'bc_x' },
    'broadcasts.list': {},
  };
}

describe('pipeline handlers under awkward arguments', () => {
  let h: Harness;
  let ids: Parameters<typeof valid>[0];
  beforeAll(async () => {
    h = await startHarness({ graph: new FakeGraph() });
    const e = await call(h.module, 'events.create', { title: 'Fuzz', slots: [{ title: 'A', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 2 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    const c = commentIntent({ postId, from: { id: '555', name: 'Fuzzy' }, message: "I'm in, where is it?", intent: 'signup' });
    const q = commentIntent({ postId, from: { id: '556', name: 'Asker' }, message: 'where is it?', intent: 'question' });
    await feedIntents(h, [c, q]);
    await settled(h);
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    const inbox = await call(h.module, 'inbox.list', {});
    ids = {
      event: e.id, slot: e.slots[0]!.id, signup: list.slots[0]!.signups[0]!.id, volunteer: list.slots[0]!.signups[0]!.volunteerId,
      comment: c.item.kind === 'comment' ? c.item.commentId : '', inbox: inbox[0]!.id,
    };
  });
  afterAll(() => h.cleanup());

  it('never fails with anything but a readable RpcError', async () => {
    const rand = prng(20261123);
    const base = valid(ids);
    let reached = 0;
    for (const [name, args] of Object.entries(base) as [RequestName, Record<string, unknown>][]) {
      for (let i = 0; i < 40; i += 1) {
        const mutated: Record<string, unknown> = { ...args };
        for (const k of Object.keys(mutated)) if (rand() < 0.35) mutated[k] = randomValue(rand);
        if (rand() < 0.2) mutated[['id', 'eventId', 'slotId', 'overCapacity', 'partySize', 'dryRun', 'filter', 'tag', 'at'][Math.floor(rand() * 9)]!] = randomValue(rand);
        const parsed = requests[name].args.safeParse(mutated);
        if (!parsed.success) continue;
        reached += 1;
        const handler = h.module.handlers![name] as Handler<typeof name>;
        try {
          await handler(parsed.data as never, { via: 'internal' });
        } catch (err) {
          expect(err, `${name} ${JSON.stringify(mutated).slice(0, 300)}`).toBeInstanceOf(RpcError);
        }
      }
    }
    expect(reached).toBeGreaterThan(200);
    // Still answering sensibly afterwards.
    expect((await call(h.module, 'events.list', {})).length).toBeGreaterThan(0);
  });
});
