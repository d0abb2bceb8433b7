import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock';
import { GraphClient } from '../../facebook/graph-client';
import { memoryLogger } from '../../log';
import type { IntentEntry } from '../../streams/entries';
import { createGraphSimulator, type GraphSimulator } from '../../../simulator/graph-simulator';
import { call } from '../testing/call';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from '../testing/harness';

// 1,000 comments on one post: 600 signups over three slots (the morning and evening overfill),
// 150 cancellations, 150 questions, 100 others, and 100 duplicated deliveries mixed in.
const SLOTS = [
  { title: 'Morning', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 150 },
  { title: 'Afternoon', start: '2026-12-05T13:00:00Z', end: '2026-12-05T16:00:00Z', capacity: 150 },
  { title: 'Evening', start: '2026-12-05T18:00:00Z', end: '2026-12-05T21:00:00Z', capacity: 100 },
];
const SAY = ["I'm in for the morning", "I'm in for the afternoon", "I'm in for the evening", 'count me in!'];
/** The slot a person's comment names; null for "count me in!". */
const slotOfPerson = (i: number): number | null => ([0, 1, 2, null] as const)[i % 4] ?? null;
const person = (i: number) => ({ id: `9${String(i).padStart(5, '0')}`, name: `Helper${i} Test` });

interface Script {
  entries: IntentEntry[];
  signupComment: Map<number, string>;
  cancelled: Set<number>;
  expected: Array<{ signed: string[]; waiting: string[] }>;
  promoted: Set<number>;
}

/** The load, and the end state the rules give for it (FIFO per slot, each cancellation promotes the first waiting). */
function script(postId: string): Script {
  const entries: IntentEntry[] = [];
  const signupComment = new Map<number, string>();
  const state = SLOTS.map(() => ({ signed: [] as number[], waiting: [] as number[] }));
  const slotOf = new Map<number, number>();
  for (let i = 1; i <= 600; i += 1) {
    const e = commentIntent({ postId, from: person(i), message: SAY[i % 4]!, intent: 'signup' });
    signupComment.set(i, e.item.kind === 'comment' ? e.item.commentId : '');
    entries.push(e);
    // A comment that names no slot takes the first slot with room, in the event's order (the
    // morning's waitlist only when every slot is full).
    const named = slotOfPerson(i);
    const k = named ?? Math.max(0, SLOTS.findIndex((slot, j) => state[j]!.signed.length < slot.capacity));
    slotOf.set(i, k);
    const s = state[k]!;
    (s.signed.length < SLOTS[k]!.capacity ? s.signed : s.waiting).push(i);
  }
  // 100 morning and 50 evening people with places cancel.
  const cancelled = new Set([...state[0]!.signed.slice(0, 100), ...state[2]!.signed.slice(0, 50)]);
  const promoted = new Set<number>();
  for (const i of cancelled) {
    entries.push(commentIntent({ postId, from: person(i), message: "sorry, I can't come any more", intent: 'cancel' }));
    const s = state[slotOf.get(i)!]!;
    s.signed = s.signed.filter((x) => x !== i);
    const next = s.waiting.shift();
    if (next !== undefined) {
      s.signed.push(next);
      promoted.add(next);
    }
  }
  for (let i = 601; i <= 750; i += 1) entries.push(commentIntent({ postId, from: person(i), message: 'Is there parking near the start?', intent: 'question' }));
  for (let i = 751; i <= 850; i += 1) entries.push(commentIntent({ postId, from: person(i), message: 'Great initiative!', intent: 'other' }));
  // Duplicated deliveries: every tenth entry again, a little later in the stream.
  const withDuplicates: IntentEntry[] = [];
  entries.forEach((e, i) => {
    withDuplicates.push(e);
    if (i % 10 === 5) withDuplicates.push(entries[Math.max(0, i - 3)]!);
  });
  const name = (i: number): string => person(i).name;
  return {
    entries: withDuplicates,
    signupComment,
    cancelled,
    promoted,
    expected: state.map((s) => ({ signed: s.signed.map(name).sort(), waiting: s.waiting.map(name) })),
  };
}

describe('1,000 comments end to end', () => {
  let h: Harness | null = null;
  let sim: GraphSimulator | null = null;
  afterEach(async () => {
    await h?.cleanup();
    await sim?.close();
  });

  async function run(crash: boolean): Promise<void> {
    const log = memoryLogger();
    sim = await createGraphSimulator({ log, clock: systemClock });
    const simulator = sim;
    const graph = new GraphClient({ baseUrl: () => simulator.url, version: () => 'v25.0', pageId: () => simulator.pageId, pageToken: () => 'page-token', clock: systemClock, log });
    let batches = 0;
    let hang = crash;
    h = await startHarness({
      graph,
      options: {
        recorderBatchSize: 100,
        // The third batch is written to disk, then the process "dies": no replies queued, no acknowledgement.
        afterRecorderWrite: async () => {
          batches += 1;
          if (hang && batches === 3) await new Promise(() => undefined);
        },
      },
    });
    const harness = h;
    const e = await call(harness.module, 'events.create', { title: 'River clean-up', location: 'Old mill bridge', slots: SLOTS });
    await call(harness.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(harness.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(harness.module, 'events.get', { id: e.id })).postId!;
    const s = script(postId);
    await feedIntents(harness, s.entries);

    if (crash) {
      await until('the crash point', () => batches >= 3);
      await harness.crash();
      hang = false;
      await harness.restart();
    }
    await settled(harness);
    await until('every reply sent', async () => {
      const counts = await harness.ctx.queues.queue('reply').getJobCounts('waiting', 'active', 'delayed');
      return Object.values(counts).every((n) => n === 0);
    });

    // After the crash the new recorder took the dead one's unacknowledged batch over.
    if (crash) expect((await harness.module.recorder()!.stats()).reclaimed).toBe(100);
    const list = await call(harness.module, 'signups.list', { eventId: e.id });
    list.slots.forEach((slot, i) => {
      expect(slot.signups.map((x) => x.volunteerName).sort()).toEqual(s.expected[i]!.signed);
      expect(slot.waitlist.map((x) => x.volunteerName)).toEqual(s.expected[i]!.waiting);
    });
    expect(list.cancelled).toHaveLength(150);
    const inbox = await call(harness.module, 'inbox.list', { eventId: e.id });
    expect(inbox).toHaveLength(150);
    expect(inbox.every((q) => q.suggestedAnswer?.includes('Old mill bridge'))).toBe(true);
    expect((await call(harness.module, 'comments.list', { eventId: e.id, limit: 1000 })).length).toBe(1000);

    // Replies, as the simulated Graph API recorded them.
    const publicTo = new Map<string, number>();
    for (const c of simulator.calls({ method: 'POST' })) {
      if (c.path.endsWith('/comments')) publicTo.set(c.path.split('/')[0]!, (publicTo.get(c.path.split('/')[0]!) ?? 0) + 1);
    }
    const privateTo = new Map<string, number>();
    for (const c of simulator.calls({ method: 'POST', pathIncludes: '/messages' })) {
      const id = (c.body?.recipient as { comment_id?: string } | undefined)?.comment_id;
      if (id) privateTo.set(id, (privateTo.get(id) ?? 0) + 1);
    }
    for (const [i, commentId] of s.signupComment) {
      // One public reply per signup comment, plus the promotion note for those promoted from the waitlist.
      expect(publicTo.get(commentId), `public replies to ${commentId}`).toBe(s.promoted.has(i) ? 2 : 1);
      expect(privateTo.get(commentId), `private replies to ${commentId}`).toBe(1);
    }
    const signupIds = new Set(s.signupComment.values());
    const cancelReplies = [...publicTo].filter(([id]) => !signupIds.has(id));
    expect(cancelReplies).toHaveLength(150);
    expect(cancelReplies.every(([, n]) => n === 1)).toBe(true);
    expect(simulator.calls({ method: 'POST', pathIncludes: '/messages' })).toHaveLength(750);
  }

  it('produces exactly the expected signups, waitlists, inbox and replies', async () => {
    await run(false);
  });

  it('reaches the same end state when the recorder dies mid-way and the app restarts', async () => {
    await run(true);
  });
});
