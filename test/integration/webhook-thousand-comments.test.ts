import { mkdtempSync, rmSync } from 'node:fs';
import { rpcClient } from '../support/rpc-client';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommentView, EventSignups, EventView, InboxItem, IntentName } from '../../src-main/contract/events';
import { systemClock } from '../../src-main/engine/clock';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { createGraphSimulator, type GraphSimulator } from '../../src-main/simulator/graph-simulator';
import { tallyReplies } from '../../src-main/simulator/reply-tally';
import { commentChange, deliverSigned, feedEntry, webhookPayload, type Change } from '../../src-main/simulator/webhook-payloads';
import { LOAD_TEXTS } from '../support/comment-texts';
import { textsTheModelReads, type LabelledText } from '../support/model-labels';
import { busyParts, pipelineIdle } from '../support/pipeline-idle';
import { createDemoModule } from '../../src-main/simulator/demo';

/**
 * 1,000 comments on a published event's post, delivered as Meta delivers them: signed webhook
 * POSTs to the engine's own HTTP route, some carrying several comments, some sent twice. They
 * go through the whole engine (signature check, ingest dedupe, preprocess, the classifier gear
 * with the shipped model, the recorder, the reply queue) against the Graph simulator.
 *
 * The expected end state is computed here from what was sent: each text's intent is what the
 * shipped model makes of it (classified in this test), and the rules (first come first served
 * per slot, each cancellation promotes the first waiting) give signups, waitlists and inbox.
 * Deliveries are sent one after another, so the order of processing is the order sent.
 */
const PAGE_ID = '300000000000003';
const PAGE_TOKEN = 'thousand-comments-page-token-0123';
const APP_SECRET = 'thousand-comments-app-secret-0123';
const TOKEN = 'thousand-comments-api-token-0123456';
const SLOTS = [
  { title: 'Morning', kind: 'morning', capacity: 150, hours: [9, 12] },
  { title: 'Afternoon', kind: 'afternoon', capacity: 150, hours: [13, 16] },
  { title: 'Evening', kind: 'evening', capacity: 100, hours: [18, 21] },
] as const;

type Kind = keyof typeof LOAD_TEXTS;
interface Sent {
  commentId: string;
  person: number;
  text: string;
  intent: IntentName;
  kind: Kind;
}

const personOf = (i: number) => ({ id: `7${String(i).padStart(6, '0')}`, name: `Helper${i} Thousand` });
const volunteerId = (i: number): string => `fb_${personOf(i).id}`;

describe('1,000 signed webhook comments through the engine', () => {
  let sim: GraphSimulator;
  let engine: Engine;
  let dataDir: string;
  let eventId = '';
  let postId = '';
  let texts: Record<Kind, LabelledText[]>;
  const sent: Sent[] = [];
  let posts = 0;
  let duplicates = 0;

  const rpc = rpcClient(() => engine.httpUrl!, TOKEN);

  beforeAll(async () => {
    // Before the engine loads the model: both use the same TensorFlow.js backend in this process.
    texts = await textsTheModelReads(LOAD_TEXTS);
    const log = memoryLogger();
    sim = await createGraphSimulator({ log, clock: systemClock, pageId: PAGE_ID, pageToken: PAGE_TOKEN });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-thousand-'));
    const config = configFromEnv({
      VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off',
      FB_GRAPH_URL: sim.url, FB_PAGE_ID: PAGE_ID, FB_PAGE_TOKEN: PAGE_TOKEN, FB_APP_SECRET: APP_SECRET,
    });
    engine = createEngine({ demo: createDemoModule, config, log });
    await engine.start();
    const day = new Date(Date.now() + 5 * 24 * 3600_000).toISOString().slice(0, 10);
    const at = (h: number): string => `${day}T${String(h).padStart(2, '0')}:00:00Z`;
    const created = await rpc<EventView>('events.create', {
      title: 'Canal clean-up',
      location: 'Lock 7 towpath',
      slots: SLOTS.map((s) => ({ title: s.title, start: at(s.hours[0]), end: at(s.hours[1]), capacity: s.capacity })),
    });
    eventId = created.id;
    await rpc('events.publish', { id: eventId });
    for (let i = 0; i < 200 && !postId; i += 1) {
      postId = (await rpc<EventView>('events.get', { id: eventId })).postId ?? '';
      if (!postId) await new Promise((r) => setTimeout(r, 50));
    }
    expect(postId, 'the event was published').toBeTruthy();
  });

  afterAll(async () => {
    await engine?.stop();
    await sim?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends with exactly the expected signups, waitlists, inbox and one public and one private reply per signup', async () => {
    // The load: 600 signups over three slots (morning and evening overfill), then 150
    // cancellations by people holding a place, 150 questions and 100 other comments, mixed.
    let seq = 0;
    const comment = (person: number, kind: Kind): Change => {
      seq += 1;
      const pick = texts[kind][seq % texts[kind].length]!;
      const commentId = `${postId.split('_')[1]}_${5_000_000 + seq}`;
      sent.push({ commentId, person, text: pick.text, intent: pick.intent, kind });
      return commentChange({ pageId: PAGE_ID, postId, commentId, from: personOf(person), message: pick.text });
    };
    const slotOfPerson = (i: number): number => [0, 1, 2, 0][i % 4]!;
    const signupKind = (i: number): Kind => (i % 8 === 0 ? 'anySlot' : SLOTS[slotOfPerson(i)]!.kind);

    // Expected state, by the rules, in the order sent.
    const book = SLOTS.map(() => ({ signed: [] as number[], waiting: [] as number[] }));
    const slotHeld = new Map<number, number>();
    const promoted = new Set<number>();
    const signUp = (i: number): void => {
      // A comment that names no slot takes the first slot with room (the morning's waitlist only
      // when every slot is full).
      const s = signupKind(i) === 'anySlot' ? Math.max(0, SLOTS.findIndex((slot, j) => book[j]!.signed.length < slot.capacity)) : slotOfPerson(i);
      slotHeld.set(i, s);
      (book[s]!.signed.length < SLOTS[s]!.capacity ? book[s]!.signed : book[s]!.waiting).push(i);
    };
    const cancel = (i: number): void => {
      const s = book[slotHeld.get(i)!]!;
      s.signed = s.signed.filter((x) => x !== i);
      const next = s.waiting.shift();
      if (next !== undefined) {
        s.signed.push(next);
        promoted.add(next);
      }
    };

    const batches: Change[][] = [];
    for (let i = 1; i <= 600; i += 1) {
      batches.push([comment(i, signupKind(i))]);
      signUp(i);
    }
    // 100 morning and 50 evening people with places cancel, after all signups are in.
    const cancellers = [...book[0]!.signed.slice(0, 100), ...book[2]!.signed.slice(0, 50)];
    // Then, mixed in a fixed pattern (C C C Q Q Q O O), cancellations, questions and others.
    let c = 0;
    let q = 0;
    let o = 0;
    for (let k = 0; k < 400; k += 1) {
      const slot = k % 8;
      if (slot < 3 && c < cancellers.length) {
        const i = cancellers[c++]!;
        cancel(i);
        batches.push([comment(i, 'cancel')]);
      } else if (slot < 6 && q < 150) batches.push([comment(601 + q++, 'question')]);
      else batches.push([comment(751 + o++, 'other')]);
    }
    expect(sent).toHaveLength(1000);

    // Deliveries: one POST may carry several comments (Meta batches up to 1,000 changes);
    // every ninth POST is delivered again, as Meta's at-least-once retries do.
    const bodies: string[] = [];
    for (let b = 0; b < batches.length; ) {
      const take = b % 5 === 0 ? 1 + (b % 4) : 1;
      const changes = batches.slice(b, b + take).flat();
      b += take;
      // Several changes under one Page entry, or one entry per change: Meta does both.
      const entries = take > 2 ? changes.map((c) => feedEntry(PAGE_ID, [c])) : [feedEntry(PAGE_ID, changes)];
      bodies.push(JSON.stringify(webhookPayload(entries)));
    }
    const deliver = async (body: string): Promise<void> => {
      const res = await deliverSigned(`${engine.httpUrl}/webhooks/facebook`, APP_SECRET, body);
      expect(res.status, res.text).toBe(200);
      posts += 1;
    };
    let copy: string | null = null;
    for (let k = 0; k < bodies.length; k += 1) {
      await deliver(bodies[k]!);
      // A copy of an earlier delivery arrives after the next one.
      if (copy !== null) {
        await deliver(copy);
        duplicates += 1;
        copy = null;
      }
      if (k % 9 === 4) copy = bodies[k]!;
    }
    if (copy !== null) await deliver(copy);
    expect(duplicates).toBeGreaterThan(50);
    expect(bodies.length).toBeLessThan(1000);
    expect(posts).toBe(bodies.length + duplicates);

    // Wait until every comment is recorded and every reply sent.
    const deadline = Date.now() + 45_000;
    let report = await engine.health();
    let comments: CommentView[] = [];
    while (Date.now() < deadline) {
      report = await engine.health();
      comments = await rpc<CommentView[]>('comments.list', { eventId, limit: 1000 });
      if (comments.length >= 1000 && pipelineIdle(report)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(comments.length, `recorded comments; still busy: ${busyParts(report)}`).toBe(1000);
    expect(pipelineIdle(report), `still busy: ${busyParts(report)}`).toBe(true);
    expect(report.streams['stream:dead']?.length ?? 0, 'entries dead-lettered').toBe(0);

    // Every comment once, with the intent the shipped model gives its text.
    const byId = new Map(comments.map((c) => [c.id, c]));
    expect(byId.size).toBe(1000);
    const wrongIntent = sent.filter((s) => byId.get(s.commentId)?.intent !== s.intent).map((s) => `${s.commentId} "${s.text}": ${byId.get(s.commentId)?.intent}`);
    expect(wrongIntent).toEqual([]);

    // Signups and waitlists, exactly (waitlists in order).
    const list = await rpc<EventSignups>('signups.list', { eventId });
    list.slots.forEach((slot, i) => {
      expect(slot.signups.map((x) => x.volunteerId).sort(), `${slot.title} signups`).toEqual(book[i]!.signed.map(volunteerId).sort());
      expect(slot.waitlist.map((x) => x.volunteerId), `${slot.title} waitlist`).toEqual(book[i]!.waiting.map(volunteerId));
    });
    expect(list.cancelled.map((x) => x.volunteerId).sort()).toEqual(cancellers.map(volunteerId).sort());

    // The inbox holds exactly the questions.
    const inbox = await rpc<InboxItem[]>('inbox.list', { eventId });
    const questions = sent.filter((s) => s.intent === 'question').map((s) => s.commentId);
    expect(inbox.map((q) => q.commentId).sort()).toEqual([...questions].sort());
    const textOf = new Map(sent.map((x) => [x.commentId, x.text]));
    expect(inbox.filter((q) => q.status !== 'open' || q.question !== textOf.get(q.commentId))).toEqual([]);
    // "Is there parking nearby?" is answered from the event's location.
    expect(inbox.filter((q) => q.question.includes('parking')).every((q) => q.suggestedAnswer?.includes('Lock 7 towpath'))).toBe(true);

    // Replies, as the simulated Graph API saw them.
    const t = tallyReplies(sim.calls());
    const problems: string[] = [];
    const expectCount = (what: string, m: Map<string, number>, id: string, n: number): void => {
      if ((m.get(id) ?? 0) !== n) problems.push(`${what} ${id}: ${m.get(id) ?? 0}, expected ${n}`);
    };
    const signupComments = new Map<number, string>();
    for (const s of sent) {
      if (s.intent === 'signup') {
        signupComments.set(s.person, s.commentId);
        // Promoted people never wrote in Messenger, so their note is a second public reply.
        expectCount('public replies to signup', t.publicAccepted, s.commentId, promoted.has(s.person) ? 2 : 1);
        expectCount('private reply attempts to signup', t.privateAttempts, s.commentId, 1);
      } else if (s.intent === 'cancel') {
        expectCount('public replies to cancellation', t.publicAccepted, s.commentId, 1);
        expectCount('private reply attempts to cancellation', t.privateAttempts, s.commentId, 1);
      } else {
        expectCount(`public replies to ${s.intent}`, t.publicAccepted, s.commentId, 0);
        expectCount(`private reply attempts to ${s.intent}`, t.privateAttempts, s.commentId, 0);
      }
    }
    const known = new Set(sent.map((s) => s.commentId));
    for (const id of [...t.publicAccepted.keys(), ...t.privateAttempts.keys()]) if (!known.has(id) && id !== postId) problems.push(`reply to unknown ${id}`);
    expect(problems).toEqual([]);
    expect([...t.messagesTo]).toEqual([]);
    expect(promoted.size).toBe(150);
    expect(signupComments.size).toBe(600);
  });
});
