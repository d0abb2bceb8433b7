import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineActivity } from '../effects';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { settled, startHarness, type Harness } from '../testing/harness';
import type { PersonKeys } from './erase';

describe('deleting a volunteer (pipeline records)', () => {
  let h: Harness;
  const activities: PipelineActivity[] = [];
  const erased: PersonKeys[] = [];

  beforeEach(async () => {
    activities.length = 0;
    erased.length = 0;
    h = await startHarness({
      graph: new FakeGraph(),
      onActivities: (a) => void activities.push(...a),
      onErase: async (p) => {
        erased.push(p);
        return { activities: 0, corrections: 0 };
      },
    });
  });
  afterEach(() => h.cleanup());

  async function event(capacity: number) {
    return call(h.module, 'events.create', { title: 'Food drive', slots: [{ title: 'Morning', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity }] });
  }
  const add = (eventId: string, name: string, partySize = 1) => {
    // The waitlist is ordered by time: each joins a second after the last.
    h.clock.advance(1000);
    return call(h.module, 'signups.add', { eventId, name, partySize });
  };

  it('gives the places a party held to the people waiting who fit, as a cancellation would, and records nothing of theirs', async () => {
    const e = await event(2);
    const held = await add(e.id, 'Pat Holder', 2);
    await add(e.id, 'Big Group', 3);
    await add(e.id, 'Ann One');
    await add(e.id, 'Bo Two');
    activities.length = 0;
    const r = await call(h.module, 'volunteers.delete', { id: held.volunteerId });
    expect(r).toMatchObject({ name: 'Pat Holder', promoted: 2, removed: { volunteers: 1, signups: 1 } });
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Ann One', 'Bo Two']);
    // The party of three keeps the front of the line.
    expect(list.slots[0]!.waitlist.map((s) => s.volunteerName)).toEqual(['Big Group']);
    expect(list.cancelled).toEqual([]);
    expect(activities.map((a) => [a.verb, a.actorName])).toEqual([['promoted', 'Ann One'], ['promoted', 'Bo Two']]);
    expect(h.live.some((m) => m.event === 'volunteer.deleted' && m.payload.volunteerId === held.volunteerId)).toBe(true);
    expect(h.live.some((m) => m.event === 'signup.cancelled')).toBe(false);
    expect(erased.map((p) => p.volunteerIds)).toEqual([[held.volunteerId], [held.volunteerId]]);
    await settled(h);
  });

  it('takes a waiting person out of the line without promoting anyone', async () => {
    const e = await event(1);
    await add(e.id, 'Cy First');
    const waiting = await add(e.id, 'Di Second');
    await add(e.id, 'Ed Third');
    const r = await call(h.module, 'volunteers.delete', { id: waiting.volunteerId });
    expect(r.promoted).toBe(0);
    const list = await call(h.module, 'signups.list', { eventId: e.id });
    expect(list.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Cy First']);
    expect(list.slots[0]!.waitlist.map((s) => [s.volunteerName, s.waitlistPosition])).toEqual([['Ed Third', 1]]);
    const changed = h.live.filter((m) => m.event === 'waitlist.changed').at(-1);
    expect(changed?.event === 'waitlist.changed' && changed.payload.waitlist.map((w) => w.volunteerName)).toEqual(['Ed Third']);
    expect((await call(h.module, 'events.get', { id: e.id })).counts).toMatchObject({ signedUp: 1, waitlisted: 1 });
  });

  it('does not touch the records when erasing elsewhere fails, so deleting again finishes the job', async () => {
    const e = await event(3);
    const s = await add(e.id, 'Fi Retry');
    await h.restart({
      onErase: async () => {
        throw new Error('feed unavailable');
      },
    });
    await expect(call(h.module, 'volunteers.delete', { id: s.volunteerId })).rejects.toThrow(/feed unavailable/);
    expect((await call(h.module, 'volunteers.get', { id: s.volunteerId })).name).toBe('Fi Retry');
    await h.restart({ onErase: async () => ({ activities: 0, corrections: 0 }) });
    expect((await call(h.module, 'volunteers.delete', { id: s.volunteerId })).removed.signups).toBe(1);
    await expect(call(h.module, 'volunteers.get', { id: s.volunteerId })).rejects.toMatchObject({ code: 'not_found' });
  });
});
