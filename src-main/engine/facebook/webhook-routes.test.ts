import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import {
  commentChange,
  deliverSigned,
  feedEntry,
  messageEvent,
  messagingEntry,
  postbackEvent,
  signBody,
  webhookPayload,
} from '../../simulator/webhook-payloads';
import { ManualClock } from '../clock';
import { preparedGears } from '../gears/libraries';
import { Gears } from '../gears/loader';
import { memoryLogger } from '../log';
import { ingestItem, type IngestItem } from '../streams/entries';
import { registerWebhookRoutes, WEBHOOK_PATH } from './webhook-routes';

const PAGE = '100000000000001';
const SECRET = 'app-secret-for-tests';
const POST = `${PAGE}_555`;

describe('POST /webhooks/facebook', () => {
  let t: TestRedis;
  let app: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    t = await testRedis();
    const gears = new Gears(t.redis, preparedGears());
    await gears.load();
    app = Fastify();
    // The main server parses JSON for its own routes; the webhook scope must still see raw bytes.
    app.post('/api/rpc/echo', async (req) => req.body);
    await registerWebhookRoutes(app, {
      gears,
      keys: t.keys,
      clock: new ManualClock(),
      log: memoryLogger(),
      appSecret: () => SECRET,
      verifyToken: () => 'verify-me',
      pageId: () => PAGE,
      bodyLimit: 64 * 1024,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    url = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}${WEBHOOK_PATH}`;
  });
  afterEach(async () => {
    await app.close();
    await t.cleanup();
  });

  const ingested = async (): Promise<IngestItem[]> => {
    const entries = await t.redis.xrange(t.keys.streamIngest, '-', '+');
    return entries.map(([, fields]) => ingestItem.parse(JSON.parse(fields[1] ?? 'null')));
  };
  const comment = (id: string, message = 'Count me in!', extra: Partial<Parameters<typeof commentChange>[0]> = {}) =>
    commentChange({ pageId: PAGE, postId: POST, commentId: id, from: { id: '42', name: 'Maria Garcia' }, message, createdTime: 1_790_000_000, ...extra });

  it('refuses a missing or wrong signature and enqueues nothing', async () => {
    const body = JSON.stringify(webhookPayload([feedEntry(PAGE, [comment('555_1')])]));
    const missing = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(missing.status).toBe(401);
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, 'another-secret') }, body });
    expect(wrong.status).toBe(403);
    const garbage = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=zz' }, body });
    expect(garbage.status).toBe(403);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(0);
  });

  it('accepts the right signature over the same bytes, and never trusts a re-serialisation', async () => {
    const payload = webhookPayload([feedEntry(PAGE, [comment('555_1', 'Count me in! 🙌')])]);
    const pretty = JSON.stringify(payload, null, 2);
    const signedForPretty = signBody(pretty, SECRET);
    const compact = JSON.stringify(payload);
    // The same object, other bytes: the signature no longer matches.
    const reserialised = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signedForPretty }, body: compact });
    expect(reserialised.status).toBe(403);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(0);

    const ok = await deliverSigned(url, SECRET, pretty);
    expect(ok).toEqual({ status: 200, text: 'EVENT_RECEIVED' });
    const [item] = await ingested();
    expect(item).toMatchObject({ kind: 'comment', commentId: '555_1', postId: POST, parentId: POST, verb: 'add', message: 'Count me in! 🙌', from: { id: '42', name: 'Maria Garcia' }, createdTime: 1_790_000_000_000, pageId: PAGE });
  });

  it('drops the entries of another Page in the same POST and keeps ours', async () => {
    const other = '999000111';
    const body = webhookPayload([
      feedEntry(other, [commentChange({ pageId: other, postId: `${other}_5`, commentId: `${other}_5_1`, from: { id: '43', name: 'Someone Else' }, message: 'Count me in!', createdTime: 1_790_000_000 })]),
      feedEntry(PAGE, [comment('555_20')]),
    ]);
    expect((await deliverSigned(url, SECRET, body)).status).toBe(200);
    const items = await ingested();
    expect(items.map((i) => (i.kind === 'comment' ? i.commentId : i.kind))).toEqual(['555_20']);
  });

  it('enters the same comment once, delivered five times alone and inside one batch', async () => {
    const one = webhookPayload([feedEntry(PAGE, [comment('555_7')])]);
    for (let i = 0; i < 5; i += 1) expect((await deliverSigned(url, SECRET, one)).status).toBe(200);
    const batch = webhookPayload([feedEntry(PAGE, [comment('555_7'), comment('555_7')]), feedEntry(PAGE, [comment('555_7'), comment('555_7'), comment('555_7')])]);
    expect((await deliverSigned(url, SECRET, batch)).status).toBe(200);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(1);
  });

  it('keeps an edit as new content but drops a repeated edit', async () => {
    const add = webhookPayload([feedEntry(PAGE, [comment('555_8', 'in')])]);
    const edit = webhookPayload([feedEntry(PAGE, [comment('555_8', 'in, with my brother', { verb: 'edited' })])]);
    await deliverSigned(url, SECRET, edit); // out of order: the edit arrives first
    await deliverSigned(url, SECRET, add);
    await deliverSigned(url, SECRET, edit);
    expect((await ingested()).map((i) => (i.kind === 'comment' ? i.verb : i.kind))).toEqual(['edited', 'add']);
  });

  it('passes hide → unhide → hide as three changes, and still drops a retried one', async () => {
    const at = (verb: 'add' | 'hide' | 'unhide', time: number) => webhookPayload([feedEntry(PAGE, [comment('555_9', 'Count me in!', { verb })], time)]);
    const add = at('add', 1_790_000_000_000);
    const hide = at('hide', 1_790_000_060_000);
    const unhide = at('unhide', 1_790_000_120_000);
    const hideAgain = at('hide', 1_790_000_180_000);
    for (const p of [add, hide, unhide, hideAgain]) expect((await deliverSigned(url, SECRET, p)).status).toBe(200);
    // Meta retries the first hide and the unhide (same entry time): nothing new.
    await deliverSigned(url, SECRET, hide);
    await deliverSigned(url, SECRET, unhide);
    // Hidden already: a second "hide" under another time changes nothing either.
    await deliverSigned(url, SECRET, at('hide', 1_790_000_240_000));
    expect((await ingested()).map((i) => (i.kind === 'comment' ? [i.verb, i.changeTime] : null))).toEqual([
      ['add', 1_790_000_000_000],
      ['hide', 1_790_000_060_000],
      ['unhide', 1_790_000_120_000],
      ['hide', 1_790_000_180_000],
    ]);
  });

  it('passes an edit back to the earlier text', async () => {
    const edit = (message: string, time: number) => webhookPayload([feedEntry(PAGE, [comment('555_11', message, { verb: 'edited' })], time)]);
    await deliverSigned(url, SECRET, webhookPayload([feedEntry(PAGE, [comment('555_11', 'me')], 1_790_000_000_000)]));
    await deliverSigned(url, SECRET, edit('me + 2 friends', 1_790_000_060_000));
    await deliverSigned(url, SECRET, edit('me', 1_790_000_120_000));
    await deliverSigned(url, SECRET, edit('me + 2 friends', 1_790_000_180_000));
    // Retries of the edits, with their own times: dropped.
    await deliverSigned(url, SECRET, edit('me + 2 friends', 1_790_000_060_000));
    await deliverSigned(url, SECRET, edit('me', 1_790_000_120_000));
    expect((await ingested()).map((i) => (i.kind === 'comment' ? [i.verb, i.message] : null))).toEqual([
      ['add', 'me'],
      ['edited', 'me + 2 friends'],
      ['edited', 'me'],
      ['edited', 'me + 2 friends'],
    ]);
  });

  it("ignores the Page's own comments and keeps a comment without `from`", async () => {
    const payload = webhookPayload([
      feedEntry(PAGE, [
        comment('555_2', 'Thanks Maria!', { from: { id: PAGE, name: 'Riverside Food Bank' }, parentId: '555_1' }),
        comment('555_3', 'I can help', { from: null }),
        comment('555_4', '', { verb: 'remove' }),
        comment('555_5', 'hidden', { verb: 'hide' }),
      ]),
    ]);
    expect((await deliverSigned(url, SECRET, payload)).status).toBe(200);
    const items = await ingested();
    expect(items.map((i) => (i.kind === 'comment' ? [i.commentId, i.verb, i.from] : null))).toEqual([
      ['555_3', 'add', null],
      ['555_4', 'remove', { id: '42', name: 'Maria Garcia' }],
      ['555_5', 'hide', { id: '42', name: 'Maria Garcia' }],
    ]);
  });

  it('turns Messenger messages, quick replies and postbacks into items, skipping echoes', async () => {
    const echo = messageEvent(PAGE, '9001', 'm_echo', 'sent by the Page');
    echo.message = { ...echo.message!, is_echo: true };
    const payload = webhookPayload([
      messagingEntry(PAGE, messageEvent(PAGE, '9001', 'm_1', 'maria@example.org', undefined, 1_790_000_000_123)),
      messagingEntry(PAGE, messageEvent(PAGE, '9001', 'm_2', 'Yes', 'CONFIRM_YES:ev1')),
      messagingEntry(PAGE, postbackEvent(PAGE, '9002', 'm_3', 'No', 'CONFIRM_NO:ev1')),
      messagingEntry(PAGE, echo),
    ]);
    expect((await deliverSigned(url, SECRET, payload)).status).toBe(200);
    expect((await deliverSigned(url, SECRET, payload)).status).toBe(200);
    const items = await ingested();
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ kind: 'message', messageId: 'm_1', psid: '9001', text: 'maria@example.org', quickReply: null, timestamp: 1_790_000_000_123 });
    expect(items[1]).toMatchObject({ kind: 'message', messageId: 'm_2', quickReply: 'CONFIRM_YES:ev1' });
    expect(items[2]).toMatchObject({ kind: 'postback', postbackId: 'm_3', psid: '9002', payload: 'CONFIRM_NO:ev1', title: 'No' });
  });

  it('answers 400 to signed bytes that are not JSON or not an event, 413 to an oversized body', async () => {
    expect((await deliverSigned(url, SECRET, '{"object":"page","entry":[')).status).toBe(400);
    expect((await deliverSigned(url, SECRET, '{"hello":"world"}')).status).toBe(400);
    const huge = JSON.stringify(webhookPayload([feedEntry(PAGE, [comment('555_9', 'x'.repeat(70 * 1024))])]));
    expect((await deliverSigned(url, SECRET, huge)).status).toBe(413);
    expect(await t.redis.xlen(t.keys.streamIngest)).toBe(0);
  });

  it('skips an unreadable change without losing the rest of the batch', async () => {
    const bad = { field: 'feed', value: { item: 'comment', verb: 'add' } };
    const body = JSON.stringify({ object: 'page', entry: [{ id: PAGE, time: 1, changes: [bad, comment('555_10')] }] });
    expect((await deliverSigned(url, SECRET, body)).status).toBe(200);
    expect((await ingested()).map((i) => i.kind === 'comment' && i.commentId)).toEqual(['555_10']);
  });

  it('answers the verification handshake only with the right verify token', async () => {
    const ok = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${url}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1158201444`);
    expect(bad.status).toBe(403);
  });

  it('leaves JSON parsing on the rest of the server as it was', async () => {
    const res = await fetch(url.replace(WEBHOOK_PATH, '/api/rpc/echo'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ a: 1 });
  });
});
