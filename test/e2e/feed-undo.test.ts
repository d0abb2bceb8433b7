import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/engine/clock';
import { memoryLogger } from '../../src-main/engine/log';
import { createGraphSimulator, type GraphSimulator } from '../../src-main/simulator/graph-simulator';
import { commentChange, deliverSigned, feedEntry, webhookPayload } from '../../src-main/simulator/webhook-payloads';
import { appSession } from './support/session';

/**
 * A Page connected (not demo mode), so this file knows the App Secret and can sign deliveries
 * the way Meta does; the Graph API is the simulator, started here before the app. Demo mode
 * signs its simulated crowd's deliveries with a secret made fresh in the app, which a test
 * cannot reach, and its crowd removes a comment only by chance.
 */
const PAGE_ID = '400000000000004';
const PAGE_TOKEN = 'feed-undo-page-token-0123456789';
const APP_SECRET = 'feed-undo-app-secret-0123456789';

let sim: GraphSimulator | undefined;
beforeAll(async () => {
  sim = await createGraphSimulator({ log: memoryLogger(), clock: systemClock, pageId: PAGE_ID, pageToken: PAGE_TOKEN });
});
afterAll(async () => {
  await sim?.close();
});

// The app starts in the session's beforeAll, after the simulator's (hooks run in order), so
// the environment is read then, through the getter.
const session = appSession({
  get env() {
    return { FB_GRAPH_URL: sim?.url ?? '', FB_PAGE_ID: PAGE_ID, FB_PAGE_TOKEN: PAGE_TOKEN, FB_APP_SECRET: APP_SECRET };
  },
});

describe("a comment removed on Facebook leaves Today's feed", () => {
  it('shows the commented line, then drops it live when the signed remove delivery arrives', { timeout: 180_000 }, async () => {
    const start = new Date(Date.now() + 4 * 86_400_000);
    const ev = await session.app.rpc<{ id: string }>('events.create', {
      title: 'Harbour Sweep',
      location: 'East quay',
      slots: [{ title: 'Morning', start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString(), capacity: 10 }],
    });
    await session.app.rpc('events.publish', { id: ev.id });
    let postId = '';
    await expect
      .poll(async () => (postId = (await session.app.rpc<{ postId: string | null }>('events.get', { id: ev.id })).postId ?? ''), { timeout: 30_000 })
      .not.toBe('');

    const webhook = `${session.app.url}/webhooks/facebook`;
    const commentId = `${postId.split('_')[1] ?? postId}_7000001`;
    const from = { id: '4100000000000001', name: 'Greta Holm' };
    const deliver = async (verb: 'add' | 'remove') => {
      const change = commentChange({ pageId: PAGE_ID, postId, commentId, from, message: 'This is amazing, thank you for doing this', verb });
      const res = await deliverSigned(webhook, APP_SECRET, webhookPayload([feedEntry(PAGE_ID, [change])]));
      expect(res.status).toBe(200);
    };

    const { page, errors } = await session.open('#/today');
    const feed = page.getByTestId('feed-list');
    await deliver('add');
    const line = 'Greta Holm commented on Harbour Sweep today';
    await expect.poll(() => feed.innerText().catch(() => ''), { timeout: 60_000, interval: 500 }).toContain(line);
    // The page's own line stays, so the list is known to be showing while the other goes.
    expect(await feed.innerText()).toContain('You published Harbour Sweep today');

    // Removed on Facebook: no reload, the feed.updated live event refreshes the list.
    await deliver('remove');
    await expect.poll(() => feed.innerText().catch(() => ''), { timeout: 60_000, interval: 500 }).not.toContain('Greta Holm');
    expect(await feed.innerText()).toContain('You published Harbour Sweep today');
    const org = await session.app.rpc<{ items: { sentence: string }[] }>('feed.get', { feed: 'org' });
    expect(org.items.map((i) => i.sentence).join(' | ')).not.toContain('Greta Holm');
    // Meta delivers at least once: the same removal again changes nothing and breaks nothing.
    await deliver('remove');
    expect(errors).toEqual([]);
  });
  it("takes a signup the coordinator removes out of Today's feed, with no \"withdrew\" line", { timeout: 120_000 }, async () => {
    const start = new Date(Date.now() + 5 * 86_400_000);
    const ev = await session.app.rpc<{ id: string }>('events.create', {
      title: 'Marsh Count',
      slots: [{ title: 'Morning', start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString(), capacity: 10 }],
    });
    await session.app.rpc('signups.add', { eventId: ev.id, name: 'Pia Kerr' });
    await session.app.rpc('signups.add', { eventId: ev.id, name: 'Ivo Lund' });

    const { page, errors } = await session.open('#/today');
    const feed = page.getByTestId('feed-list');
    await expect.poll(() => feed.innerText().catch(() => ''), { timeout: 30_000 }).toContain('Pia Kerr signed up for Marsh Count today');

    // The Remove on the event's signups, as the coordinator clicks it; then back to Today with no reload.
    await page.evaluate((r) => (window.location.hash = r), `#/events/${ev.id}`);
    await page.getByRole('row').filter({ hasText: 'Pia Kerr' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(async () => (await session.app.rpc<{ cancelled: unknown[] }>('signups.list', { eventId: ev.id })).cancelled.length, { timeout: 15_000 }).toBe(1);
    await page.getByRole('link', { name: /Today/ }).click();
    await expect.poll(() => feed.innerText().catch(() => ''), { timeout: 30_000 }).not.toContain('Pia Kerr');
    const text = await feed.innerText();
    expect(text).toContain('Ivo Lund signed up for Marsh Count today');
    expect(text).toContain('You removed a signup from Marsh Count today');
    expect(text).not.toMatch(/withdrew from Marsh Count/);
    expect(errors).toEqual([]);
  });
});
