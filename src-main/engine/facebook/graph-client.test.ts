import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGraphSimulator, type GraphSimulator } from '../../simulator/graph-simulator';
import { ManualClock } from '../clock';
import { memoryLogger } from '../log';
import { GraphClient } from './graph-client';
import { retryAfterFromHeaders } from './graph-errors';
import { GraphError } from './graph-types';

const TOKEN = 'EAAGpagetokenthatmustneverleak';

describe('GraphClient against the simulator', () => {
  let sim: GraphSimulator;
  let clock: ManualClock;
  let log: ReturnType<typeof memoryLogger>;
  let graph: GraphClient;

  beforeEach(async () => {
    clock = new ManualClock();
    log = memoryLogger();
    sim = await createGraphSimulator({ log, clock, pageToken: TOKEN });
    graph = new GraphClient({ baseUrl: () => sim.url, version: () => 'v25.0', pageId: () => sim.pageId, pageToken: () => TOKEN, clock, log, timeoutMs: 500 });
  });
  afterEach(() => sim.close());

  const failure = async (p: Promise<unknown>): Promise<GraphError> => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GraphError);
    return err as GraphError;
  };

  it('publishes now with the token in the header, never in the URL', async () => {
    const { postId, permalinkUrl } = await graph.publishPost({ message: 'Food drive Saturday: who can help?' });
    expect(postId).toMatch(new RegExp(`^${sim.pageId}_\\d+$`));
    expect(permalinkUrl).toBe(`https://www.facebook.com/${postId}`);
    const [call] = sim.calls({ pathIncludes: '/feed' });
    expect(call).toMatchObject({ method: 'POST', version: 'v25.0', path: `${sim.pageId}/feed`, body: { message: 'Food drive Saturday: who can help?' }, authorized: true });
    expect(JSON.stringify(call?.query)).not.toContain(TOKEN);
    expect(log.lines.join('\n')).not.toContain(TOKEN);
  });

  it('schedules only between 10 minutes and 30 days ahead', async () => {
    const tooSoon = await failure(graph.publishPost({ message: 'x', scheduledAt: clock.now() + 5 * 60_000 }));
    expect(tooSoon.kind).toBe('permanent');
    expect((await failure(graph.publishPost({ message: 'x', scheduledAt: clock.now() + 31 * 24 * 3600_000 }))).kind).toBe('permanent');
    expect(sim.calls()).toHaveLength(0);
    const at = clock.now() + 24 * 3600_000;
    await graph.publishPost({ message: 'tomorrow', scheduledAt: at });
    expect(sim.calls()[0]?.body).toEqual({ message: 'tomorrow', published: false, scheduled_publish_time: at / 1000 });
  });

  it("private-replies once per comment and returns the commenter's PSID", async () => {
    const maria = sim.world.people[0]!;
    sim.world.recordComment('555_1', maria);
    const first = await graph.privateReply('555_1', { text: 'Confirm your spot?', buttons: [{ title: 'Yes', payload: 'YES' }, { title: 'No', payload: 'NO' }] });
    expect(first.recipientId).toBe(maria.psid);
    expect(sim.calls({ pathIncludes: '/messages' })[0]?.body).toEqual({
      recipient: { comment_id: '555_1' },
      message: { attachment: { type: 'template', payload: { template_type: 'button', text: 'Confirm your spot?', buttons: [{ type: 'postback', title: 'Yes', payload: 'YES' }, { type: 'postback', title: 'No', payload: 'NO' }] } } },
    });
    const again = await failure(graph.privateReply('555_1', { text: 'again' }));
    expect(again.kind).toBe('permanent');
    expect(again.userMessage).toMatch(/already got its one private reply/);
  });

  it('sends messages with quick replies and utility templates in the Send API shape', async () => {
    await graph.sendMessage('9001', { text: 'Which slot?', quickReplies: [{ title: 'Morning', payload: 'SLOT_AM' }] });
    await graph.sendUtilityTemplate('9001', { name: 'event_update', language: 'en_US', parameters: ['Maria', 'Saturday 9:00'] });
    const [msg, tpl] = sim.calls({ pathIncludes: '/messages' });
    expect(msg?.body).toEqual({ recipient: { id: '9001' }, messaging_type: 'RESPONSE', message: { text: 'Which slot?', quick_replies: [{ content_type: 'text', title: 'Morning', payload: 'SLOT_AM' }] } });
    expect(tpl?.body).toMatchObject({ recipient: { id: '9001' }, messaging_type: 'UTILITY', message: { template: { name: 'event_update', language: { code: 'en_US' } } } });
  });

  it('classifies rate limits with the advertised wait', async () => {
    for (const code of [4, 17, 32, 613, 80001, 80006]) {
      sim.failNext({ kind: 'rate_limit', code, minutes: 3 });
      const err = await failure(graph.replyToComment('555_1', 'Thanks!'));
      expect(err.kind).toBe('rate_limited');
      expect(err.details.code).toBe(code);
      expect(err.retryAfterMs).toBe(180_000);
    }
  });

  it('classifies 5xx and timeouts as transient', async () => {
    sim.failNext({ kind: 'server_error', status: 503 });
    expect((await failure(graph.replyToComment('555_1', 'Thanks!'))).kind).toBe('transient');
    sim.failNext({ kind: 'timeout', ms: 5_000 });
    const slow = await failure(graph.replyToComment('555_1', 'Thanks!'));
    expect(slow.kind).toBe('transient');
    expect(slow.userMessage).toMatch(/did not answer in time/);
    expect((await graph.replyToComment('555_1', 'Thanks!')).id).toMatch(/^555_\d+$/);
  });

  it('classifies deleted comments, closed windows, removed tags and bad tokens as permanent, without the token', async () => {
    sim.failNext({ kind: 'permanent', code: 100, subcode: 33, message: 'Unsupported post request. Object does not exist' });
    expect((await failure(graph.replyToComment('555_1', 'x'))).userMessage).toMatch(/no longer exists/);
    sim.failNext({ kind: 'permanent', code: 10, subcode: 2018278, message: 'outside of allowed window' });
    expect((await failure(graph.sendMessage('9001', { text: 'x' }))).userMessage).toMatch(/24 hours/);
    sim.failNext({ kind: 'permanent', code: 100, message: 'Tag is no longer supported' });
    expect((await failure(graph.sendMessage('9001', { text: 'x' }))).kind).toBe('permanent');

    const wrong = new GraphClient({ baseUrl: () => sim.url, version: () => 'v25.0', pageId: () => sim.pageId, pageToken: () => 'EAAGwrongtoken123', clock, log, timeoutMs: 500 });
    const auth = await failure(wrong.replyToComment('555_1', 'x'));
    expect(auth.kind).toBe('permanent');
    expect(auth.userMessage).toMatch(/Reconnect the Page/);
    expect(auth.userMessage).not.toContain('EAAGwrongtoken123');
    expect(log.lines.join('\n')).not.toContain('EAAGwrongtoken123');
  });

  it('refuses to call without a Page token, as a failure to retry (another process may have the Page)', async () => {
    const none = new GraphClient({ baseUrl: () => sim.url, version: () => 'v25.0', pageId: () => sim.pageId, pageToken: () => null, clock, log });
    const f = await failure(none.publishPost({ message: 'x' }));
    expect(f.userMessage).toMatch(/no Page is connected/);
    expect(f.kind).toBe('transient');
    expect(sim.calls()).toHaveLength(0);
  });

  it('subscribes the Page to feed and messages', async () => {
    expect(await graph.subscribedFields()).toEqual([]);
    expect(await graph.subscribeApp()).toEqual({ success: true });
    expect(sim.calls({ method: 'POST', pathIncludes: 'subscribed_apps' })[0]?.query).toEqual({ subscribed_fields: 'feed,messages' });
    expect(await graph.subscribedFields()).toEqual(['feed', 'messages']);
  });
});

describe('retryAfterFromHeaders', () => {
  it('takes the longest estimated_time_to_regain_access and ignores bad headers', () => {
    const h = new Headers({
      'x-business-use-case-usage': JSON.stringify({ '1': [{ type: 'pages', estimated_time_to_regain_access: 2 }, { type: 'messenger', estimated_time_to_regain_access: 5 }] }),
      'x-app-usage': 'not json',
    });
    expect(retryAfterFromHeaders(h)).toBe(300_000);
    expect(retryAfterFromHeaders(new Headers({ 'x-app-usage': '{"call_count":100}' }))).toBeNull();
  });
});

describe('GraphClient error texts', () => {
  it('removes the token and the App Secret from an error message that quotes the request', async () => {
    const secret = 'app-secret-quoted-back-123';
    const server = http.createServer((req, res) => {
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { message: `Bad request ${req.headers.authorization} (secret ${secret})`, type: 'OAuthException', code: 100 } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const log = memoryLogger();
    const graph = new GraphClient({
      baseUrl: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      version: () => 'v25.0',
      pageId: () => '1',
      pageToken: () => TOKEN,
      appId: () => '42',
      appSecret: () => secret,
      clock: new ManualClock(),
      log,
    });
    try {
      for (const call of [() => graph.whoAmI(), () => graph.setCallbackUrl('https://x.test/webhooks/facebook', 'v')]) {
        const err = await call().then(
          () => null,
          (e: unknown) => e as Error,
        );
        expect(err?.message).toContain('Facebook said');
        expect(err?.message).not.toContain(TOKEN);
        expect(err?.message).not.toContain(secret);
      }
    } finally {
      server.close();
    }
  });
});
