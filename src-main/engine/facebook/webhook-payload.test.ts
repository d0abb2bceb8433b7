import { describe, expect, it } from 'vitest';
import { commentChange, feedEntry, messageEvent, messagingEntry, webhookPayload } from '../../simulator/webhook-payloads';
import { normaliseWebhook, outsideIdProblem, webhookEnvelope } from './webhook-payload';

const PAGE = '1000';
const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', '1_2:3', 'a b', 'x'.repeat(201)];

const normalise = (entries: Parameters<typeof webhookPayload>[0]) => normaliseWebhook(webhookEnvelope.parse(webhookPayload(entries)), PAGE, 1_790_000_000_000);

describe('ids at the edge', () => {
  it('accepts the shapes Meta and the demo send, refuses prototype names and ids that are not ids', () => {
    for (const ok of ['1000_55', '1000_55_7', 'm_AbC-9_x', '123456789012345', 'post_3', 'c-1']) expect(outsideIdProblem(ok)).toBeNull();
    for (const bad of HOSTILE) expect(outsideIdProblem(bad)).not.toBeNull();
  });

  it('drops a comment change naming a hostile comment, post, parent or author id and keeps the rest of the POST', () => {
    const good = commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: '1_1', from: { id: '77', name: 'Sam' }, message: 'count me in' });
    const changes = HOSTILE.flatMap((bad) => [
      commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: bad, from: { id: '77', name: 'Sam' }, message: 'count me in' }),
      commentChange({ pageId: PAGE, postId: bad, commentId: '1_2', from: { id: '77', name: 'Sam' }, message: 'count me in' }),
      commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: '1_3', from: { id: bad, name: 'Sam' }, message: 'count me in' }),
    ]);
    const n = normalise([feedEntry(PAGE, [...changes, good])]);
    expect(n.items.map((i) => (i.kind === 'comment' ? i.commentId : null))).toEqual(['1_1']);
    // An empty id is refused by the shape check (malformed); every other hostile one is a bad id.
    expect(n.badId + n.malformed).toBe(changes.length);
    expect(n.badId).toBeGreaterThan(0);
  });

  it('drops a message from a hostile sender id or message id', () => {
    const n = normalise([
      messagingEntry(PAGE, messageEvent(PAGE, '__proto__', 'm_1', 'yes')),
      messagingEntry(PAGE, messageEvent(PAGE, '9001', 'constructor', 'yes')),
      messagingEntry(PAGE, messageEvent(PAGE, '9001', 'm_2', 'yes')),
    ]);
    expect(n.items).toHaveLength(1);
    expect(n.badId).toBe(2);
  });
});

describe('lengths at the edge', () => {
  it('cuts a 10,000-character name to 200 and a long comment to 8,000, with a visible "…", and counts them', () => {
    const n = normalise([
      feedEntry(PAGE, [
        commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: '1_1', from: { id: '77', name: 'N'.repeat(10_000) }, message: 'm'.repeat(4_000_000) }),
        commentChange({ pageId: PAGE, postId: `${PAGE}_1`, commentId: '1_2', from: { id: '78', name: 'Sam Lee' }, message: 'count me in' }),
      ]),
      messagingEntry(PAGE, messageEvent(PAGE, '9001', 'm_1', 't'.repeat(9_000))),
    ]);
    const [long, short, message] = n.items;
    expect(long).toMatchObject({ kind: 'comment', from: { name: `${'N'.repeat(199)}…` }, message: `${'m'.repeat(7_999)}…` });
    expect(short).toMatchObject({ kind: 'comment', from: { name: 'Sam Lee' }, message: 'count me in' });
    expect(message).toMatchObject({ kind: 'message', text: `${'t'.repeat(7_999)}…` });
    expect(n.cut).toBe(2 + 1);
  });
});
