import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import type { PipelineActivity } from '../effects';
import { commentIntent, feedIntents, messageIntent, settled, startHarness, until, type Harness } from '../testing/harness';
import { startSmtp } from '../testing/smtp';

const person = (n: number) => ({ id: `200${n}`, name: `Vol${n} Tester` });
const PASSWORD = 'smtp-secret-pass';

describe('broadcasts and email', () => {
  let h: Harness;
  let graph: FakeGraph;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  const activities: PipelineActivity[] = [];

  beforeEach(async () => {
    activities.length = 0;
    graph = new FakeGraph();
    smtp = await startSmtp({ user: 'coordinator', pass: PASSWORD });
    h = await startHarness({
      graph,
      email: () => ({ host: '127.0.0.1', port: smtp.port, from: 'team@riverside.test', user: 'coordinator' }),
      smtpPassword: () => PASSWORD,
      utilityTemplate: () => ({ name: 'event_update', language: 'en_US' }),
      onActivities: (a) => void activities.push(...a),
    });
  });
  afterEach(async () => {
    await h.cleanup();
    await smtp.close();
  });

  async function eventWithPeople(): Promise<{ id: string; postId: string; psid: (n: number) => string; commentOf: Map<number, string> }> {
    const e = await call(h.module, 'events.create', { title: 'Food drive', location: 'Town hall', slots: [{ title: 'Packing', start: '2026-12-05T09:00:00Z', end: '2026-12-05T12:00:00Z', capacity: 10 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    const commentOf = new Map<number, string>();
    const entries = [1, 2].map((n) => {
      const c = commentIntent({ postId, from: person(n), message: "I'm in", intent: 'signup' });
      commentOf.set(n, c.item.kind === 'comment' ? c.item.commentId : '');
      return c;
    });
    await feedIntents(h, entries);
    await settled(h);
    await until('PSIDs learned', () => Object.values(h.module.state()!.volunteers).filter((v) => v.psid).length === 2);
    return { id: e.id, postId, psid: (n) => graph.psidOf(commentOf.get(n)!), commentOf };
  }

  it('sends each person one copy by the right channel, once per idempotency key', async () => {
    const e = await eventWithPeople();
    // Vol1 wrote in Messenger just now; Vol2 two days ago (outside the 24 h window).
    await feedIntents(h, [
      messageIntent({ psid: e.psid(1), text: 'see you there', at: h.clock.now() - 60_000 }),
      messageIntent({ psid: e.psid(2), text: 'hello', at: h.clock.now() - 48 * 3600_000 }),
    ]);
    await settled(h);
    // Vol3 only has an email; Vol4 has nothing.
    const withEmail = await call(h.module, 'signups.add', { eventId: e.id, name: 'Vol3 Email' });
    await call(h.module, 'volunteers.update', { id: withEmail.volunteerId, email: 'vol3@example.test' });
    await call(h.module, 'signups.add', { eventId: e.id, name: 'Vol4 Nothing' });

    const preview = await call(h.module, 'broadcasts.preview', { eventId: e.id });
    expect(preview.byChannel).toEqual({ messenger: 1, template: 1, email: 1, none: 1 });
    expect(Object.fromEntries(preview.recipients.map((r) => [r.name, r.channel]))).toEqual({
      'Vol1 Tester': 'messenger', 'Vol2 Tester': 'template', 'Vol3 Email': 'email', 'Vol4 Nothing': 'none',
    });

    const args = { eventId: e.id, message: 'Bring a coat, it will be cold.', idempotencyKey: 'compose-0001' };
    const [a, b] = await Promise.all([call(h.module, 'broadcasts.send', args), call(h.module, 'broadcasts.send', args)]);
    expect(a.id).toBe(b.id);
    await until('all delivered', async () => (await call(h.module, 'broadcasts.get', { id: a.id })).status !== 'sending');
    const again = await call(h.module, 'broadcasts.send', args);
    expect(again.id).toBe(a.id);
    await expect(call(h.module, 'broadcasts.send', { ...args, message: 'something else' })).rejects.toThrow(/already used/);
    await settled(h);
    // Sent once, so it is in the feed once.
    expect(activities.filter((x) => x.verb === 'coordinator_sent_update')).toEqual([expect.objectContaining({ actorName: 'You', eventId: e.id })]);

    const detail = await call(h.module, 'broadcasts.get', { id: a.id });
    expect(detail.counts).toEqual({ total: 4, pending: 0, sent: 3, failed: 0, skipped: 1 });
    expect(detail.status).toBe('done');
    expect(graph.of('sendMessage').filter((m) => m.message.text.includes('Bring a coat'))).toEqual([
      { op: 'sendMessage', psid: e.psid(1), message: { text: 'Food drive: Bring a coat, it will be cold.' } },
    ]);
    expect(graph.of('sendUtilityTemplate')).toEqual([
      { op: 'sendUtilityTemplate', psid: e.psid(2), template: { name: 'event_update', language: 'en_US', parameters: ['Food drive: Bring a coat, it will be cold.'] } },
    ]);
    expect(smtp.mails.map((m) => m.to)).toEqual([['vol3@example.test']]);
    expect(smtp.mails[0]!.raw).toContain('Subject: Update: Food drive');
    expect((await call(h.module, 'broadcasts.list', { eventId: e.id })).map((x) => x.id)).toEqual([a.id]);
    await until('live progress', () => h.live.some((m) => m.event === 'broadcast.progress' && m.payload.status === 'done'));
    // The password never reaches the logs.
    expect(JSON.stringify((h.ctx.log as unknown as { lines: string[] }).lines)).not.toContain(PASSWORD);
  });

  it('confirms an email given in Messenger with a 6-digit code: wrong code, too many tries, expiry', async () => {
    const e = await eventWithPeople();
    const psid = e.psid(1);
    const vid = h.module.state()!.volunteerByPsid.get(psid)!;
    const replies = () => graph.of('sendMessage').filter((m) => m.psid === psid).map((m) => m.message.text);
    const codeFromMail = (i: number) => /\b(\d{6})\b/.exec(smtp.mails[i]!.raw)![1]!;

    await feedIntents(h, [messageIntent({ psid, text: 'my email is Vol1@Example.test' })]);
    await until('the code email', () => smtp.mails.length === 1);
    expect(smtp.mails[0]!.to).toEqual(['vol1@example.test']);
    const code = codeFromMail(0);
    const wrong = code === '000000' ? '111111' : '000000';
    const wrongMessage = messageIntent({ psid, text: wrong });
    await feedIntents(h, [wrongMessage, wrongMessage]);
    await settled(h);
    expect(replies().at(-1)).toBe('That code is not right. You have 4 tries left.');
    expect((await call(h.module, 'volunteers.get', { id: vid })).email).toBeNull();
    await feedIntents(h, [messageIntent({ psid, text: ` ${code} ` })]);
    await settled(h);
    expect((await call(h.module, 'volunteers.get', { id: vid })).email).toBe('vol1@example.test');
    expect(replies().at(-1)).toMatch(/email address is confirmed/);

    // Too many wrong codes: even the right one is refused afterwards.
    await feedIntents(h, [messageIntent({ psid, text: 'new address: other@example.test' })]);
    await until('the second code email', () => smtp.mails.length === 2);
    const code2 = codeFromMail(1);
    const bad = code2 === '222222' ? '333333' : '222222';
    for (let i = 0; i < 5; i += 1) await feedIntents(h, [messageIntent({ psid, text: bad })]);
    await feedIntents(h, [messageIntent({ psid, text: code2 })]);
    await settled(h);
    expect(replies().at(-1)).toMatch(/too many wrong codes/);
    expect((await call(h.module, 'volunteers.get', { id: vid })).email).toBe('vol1@example.test');

    // Expired.
    await feedIntents(h, [messageIntent({ psid, text: 'third@example.test' })]);
    await until('the third code email', () => smtp.mails.length === 3);
    h.clock.advance(16 * 60_000);
    await feedIntents(h, [messageIntent({ psid, text: codeFromMail(2), at: h.clock.now() })]);
    await settled(h);
    expect(replies().at(-1)).toMatch(/expired/);
    expect((await call(h.module, 'volunteers.get', { id: vid })).email).toBe('vol1@example.test');
  });

  it('reports a failed email delivery when SMTP refuses the login, without the password', async () => {
    const e = await eventWithPeople();
    await h.restart({ smtpPassword: () => 'wrong-password' });
    const v = await call(h.module, 'signups.add', { eventId: e.id, name: 'Mail Only' });
    await call(h.module, 'volunteers.update', { id: v.volunteerId, email: 'mail@example.test' });
    const sent = await call(h.module, 'broadcasts.send', { eventId: e.id, slotId: undefined, message: 'Update', idempotencyKey: 'compose-0002' });
    await until('the delivery fails', async () => (await call(h.module, 'broadcasts.get', { id: sent.id })).deliveries.some((d) => d.status === 'failed'), 60_000);
    const d = (await call(h.module, 'broadcasts.get', { id: sent.id })).deliveries.find((x) => x.channel === 'email')!;
    expect(d.error).toMatch(/Email to mail@example.test failed/);
    expect(d.error).not.toContain('wrong-password');
  });
});
