import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();

describe('broadcasts', () => {
  it('shows who receives an update by which channel, sends it once, and follows its progress', async () => {
    const start = new Date(Date.now() + 4 * 86_400_000);
    const ev = await session.app.rpc<{ id: string }>('events.create', {
      title: 'Winter coat drive',
      slots: [{ title: 'Afternoon', start: start.toISOString(), end: new Date(start.getTime() + 7_200_000).toISOString(), capacity: 8 }],
    });
    await session.app.rpc('volunteers.importCsv', { csv: 'Name,Email\nAna Ruiz,ana@example.org\nBen Cole,ben@example.org', dryRun: false });
    const { items } = await session.app.rpc<{ items: { id: string }[] }>('volunteers.search', {});
    for (const v of items) await session.app.rpc('signups.add', { eventId: ev.id, volunteerId: v.id });
    await session.app.rpc('signups.add', { eventId: ev.id, name: 'Walk-in without contact' });

    const { page, errors } = await session.open('#/broadcasts');
    await expect.poll(() => page.getByTestId('recipient-summary').innerText()).toBe('2 of 3 people will receive it');
    expect(await page.getByRole('form', { name: 'New update' }).innerText()).toMatch(/Ana Ruiz\s*Email/);
    await page.getByLabel('Message').fill('We meet at the side door. Thank you!');
    const sendButton = page.getByRole('button', { name: 'Send to 2 people' });
    await sendButton.dblclick();

    await expect.poll(() => page.url()).toMatch(/#\/broadcasts\/[^/]+$/);
    const detail = page.getByTestId('broadcast-detail');
    await expect.poll(() => detail.getByRole('progressbar').count()).toBe(1);
    await expect.poll(() => detail.innerText()).toMatch(/3 in all/);
    // The per-person table arrives with its own request, after the summary from the live store.
    await expect.poll(() => detail.getByRole('row').count()).toBe(4);
    await screenshot(page, 'broadcasts');

    // A double click sends one broadcast.
    const sent = await session.app.rpc<unknown[]>('broadcasts.list', { eventId: ev.id });
    expect(sent).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
