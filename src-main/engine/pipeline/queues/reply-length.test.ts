import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_REPLY_MAX, MESSENGER_TEXT_MAX, NAME_MAX } from '../../facebook/text-limits';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { commentIntent, feedIntents, postbackIntent, settled, startHarness, until, type Harness } from '../testing/harness';

/** No half of a surrogate pair left alone. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Replies are cut to what Facebook and Messenger take, however long the name in them. */
describe('reply length', () => {
  let h: Harness;
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = new FakeGraph();
    h = await startHarness({ graph });
  });
  afterEach(() => h.cleanup());

  it('keeps a 10,000-character name at 200 and cuts every reply to its channel’s limit, whole characters only', async () => {
    const e = await call(h.module, 'events.create', { title: 'Park day', slots: [{ title: 'All day', start: '2026-12-05T09:00:00Z', end: '2026-12-05T17:00:00Z', capacity: 9 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    // Each {firstName} is up to 200 characters: these texts render to tens of thousands.
    const long = `Hi 😀 ${'{firstName} '.repeat(160)}`;
    await call(h.module, 'templates.set', { templates: { 'signup.public': long, 'signup.private': long, 'confirm.yes': long } });

    const c = commentIntent({ postId, from: { id: '5001', name: '😀'.repeat(5_000) }, message: "I'm in", intent: 'signup' });
    await feedIntents(h, [c]);
    await settled(h);
    const [v] = (await call(h.module, 'volunteers.search', { query: '' })).items;
    expect(v!.name.length).toBeLessThanOrEqual(NAME_MAX);
    expect(v!.name).toMatch(/^(😀)+…$/u);

    const [signup] = (await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups;
    const commentId = c.item.kind === 'comment' ? c.item.commentId : '';
    await feedIntents(h, [postbackIntent({ psid: graph.psidOf(commentId), payload: `confirm:${signup!.id}`, title: 'Yes' })]);
    await settled(h);

    const sent = [
      ...graph.of('replyToComment').map((r) => ({ text: r.message, max: COMMENT_REPLY_MAX })),
      ...graph.of('privateReply').map((r) => ({ text: r.message.text, max: MESSENGER_TEXT_MAX })),
      ...graph.of('sendMessage').map((r) => ({ text: r.message.text, max: MESSENGER_TEXT_MAX })),
    ];
    expect(sent).toHaveLength(3);
    for (const s of sent) {
      expect(s.text.length).toBeLessThanOrEqual(s.max);
      expect(s.text.length).toBeGreaterThan(s.max - 10);
      expect(s.text.endsWith('…')).toBe(true);
      expect(s.text).not.toMatch(LONE_SURROGATE);
    }
  });
});
