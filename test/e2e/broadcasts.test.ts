import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastChannel, BroadcastDetail } from '../../src-main/contract/broadcasts';
import { startSmtp, type ReceivedMail } from '../../src-main/engine/pipeline/testing/smtp';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();
const LOGIN = { user: 'desk@example.org', pass: 'smtp-e2e-secret' };

/** The local SMTP server the app sends through; the second mail waits until `release()`. */
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let held: ReceivedMail | null = null;
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));
let arrived = 0;

beforeAll(async () => {
  smtp = await startSmtp(LOGIN, {
    beforeAccept: async (mail) => {
      arrived += 1;
      if (arrived !== 2) return;
      held = mail;
      await released;
    },
  });
});
afterAll(async () => {
  release();
  await smtp?.close();
});

describe('broadcasts', () => {
  it('sends an update by Messenger, template and email, and shows the delivery as it advances', { timeout: 240_000 }, async () => {
    const start = new Date(Date.now() + 4 * 86_400_000);
    const ev = await session.app.rpc<{ id: string }>('events.create', {
      title: 'Winter coat drive',
      slots: [{ title: 'Afternoon', start: start.toISOString(), end: new Date(start.getTime() + 7_200_000).toISOString(), capacity: 30 }],
    });
    // People outside Messenger's 24 h window get the approved update template.
    await session.app.rpc('settings.set', { utilityTemplate: { name: 'event_update', language: 'en_US' } });
    // Publishing lets the simulator's people comment and sign up: they are reachable in Messenger.
    await session.app.rpc('events.publish', { id: ev.id });
    await session.app.rpc('volunteers.importCsv', { csv: 'Name,Email\nAna Ruiz,ana@example.org\nBen Cole,ben@example.org', dryRun: false });
    const { items } = await session.app.rpc<{ items: { id: string; name: string }[] }>('volunteers.search', { query: 'example.org' });
    for (const v of items.filter((x) => x.name === 'Ana Ruiz' || x.name === 'Ben Cole')) await session.app.rpc('signups.add', { eventId: ev.id, volunteerId: v.id });
    await session.app.rpc('signups.add', { eventId: ev.id, name: 'Walk-in without contact' });

    // SMTP set up the way the coordinator does it, in Settings → Email.
    const { page, errors } = await session.open('#/settings');
    await page.getByRole('tab', { name: 'Email' }).click();
    await page.getByLabel('SMTP server').fill('127.0.0.1');
    await page.getByLabel('Port').fill(String(smtp.port));
    await page.getByLabel('Send as').fill('updates@example.org');
    await page.getByLabel('User name').fill(LOGIN.user);
    await page.getByLabel('Password').fill(LOGIN.pass);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);

    const byChannel = async () => (await session.app.rpc<{ byChannel: Record<BroadcastChannel, number> }>('broadcasts.preview', { eventId: ev.id })).byChannel;
    await expect.poll(async () => {
      const c = await byChannel();
      return c.messenger + c.template;
    }, { timeout: 150_000, interval: 1000 }).toBeGreaterThan(0);

    await page.evaluate(() => (window.location.hash = '#/broadcasts'));
    await expect.poll(() => page.getByTestId('recipient-summary').innerText()).toMatch(/^\d+ of \d+ people will receive it$/);
    expect(await page.getByRole('form', { name: 'New update' }).innerText()).toMatch(/Ana Ruiz\s*Email/);
    await page.getByLabel('Message').fill('We meet at the side door. Thank you!');
    await page.getByRole('button', { name: /^Send to \d+ people$/ }).dblclick();

    await expect.poll(() => page.url()).toMatch(/#\/broadcasts\/[^/]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    const detail = page.getByTestId('broadcast-detail');
    const counts = detail.getByTestId('broadcast-counts');
    const b = await session.app.rpc<BroadcastDetail>('broadcasts.get', { id });
    const { total, skipped } = b.counts;
    expect(skipped).toBe(1);
    expect(b.byChannel.email).toBe(2);

    // One email is held at the SMTP server: everyone else is through, that person is pending.
    await expect.poll(() => held?.to.join(','), { timeout: 30_000 }).toMatch(/^(ana|ben)@example\.org$/);
    const heldName = held!.to[0] === 'ana@example.org' ? 'Ana Ruiz' : 'Ben Cole';
    await expect.poll(() => counts.innerText(), { timeout: 30_000 }).toBe(`Sending… ${total - skipped - 1} sent · ${skipped} skipped · ${total} in all`);
    const heldRow = detail.getByRole('row').filter({ hasText: heldName });
    await expect.poll(() => heldRow.innerText()).toMatch(/Email\s*pending/);
    const bar = detail.getByRole('progressbar');
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(total - 1);

    release();
    await expect.poll(() => counts.innerText(), { timeout: 30_000 }).toBe(`${total - skipped} sent · ${skipped} skipped · ${total} in all`);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(total);
    await expect.poll(() => heldRow.innerText()).toMatch(/Email\s*sent/);

    // Every reachable person's row says sent, by their channel; the walk-in is skipped.
    const rows = await detail.getByRole('row').allInnerTexts();
    expect(rows).toHaveLength(total + 1);
    const body = rows.slice(1);
    expect(body.filter((r) => /Cannot be reached\s*skipped/.test(r))).toHaveLength(1);
    expect(body.filter((r) => /(Messenger|Messenger \(update template\)|Email)\s*sent/.test(r))).toHaveLength(total - 1);
    expect(body.filter((r) => /^Ana Ruiz\s*Email\s*sent/.test(r) || /^Ben Cole\s*Email\s*sent/.test(r))).toHaveLength(2);
    expect(body.some((r) => /Messenger( \(update template\))?\s*sent/.test(r))).toBe(true);
    await screenshot(page, 'broadcasts');

    // The mails really left, to the two addresses, with the message.
    expect(smtp.mails.map((m) => m.to[0]).sort()).toEqual(['ana@example.org', 'ben@example.org']);
    for (const m of smtp.mails) expect(m.raw).toContain('side door');

    // A double click sends one broadcast.
    const sent = await session.app.rpc<unknown[]>('broadcasts.list', { eventId: ev.id });
    expect(sent).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
