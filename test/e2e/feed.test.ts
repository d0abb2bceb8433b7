import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();

async function createEvent(title: string): Promise<string> {
  const start = new Date(Date.now() + 3 * 86_400_000);
  start.setUTCHours(9, 0, 0, 0);
  const end = new Date(start.getTime() + 3 * 3600_000);
  const event = await session.app.rpc<{ id: string }>('events.create', {
    title,
    slots: [{ title: 'Morning', start: start.toISOString(), end: end.toISOString(), capacity: 10 }],
  });
  return event.id;
}

describe('the activity feed on Today', () => {
  it('reads as sentences, unfolds, follows a person and updates live', async () => {
    const beach = await createEvent('Beach Cleanup');
    const park = await createEvent('Park Planting');
    const maria = await session.app.rpc<{ volunteerId: string }>('signups.add', { eventId: beach, name: 'Maria Lopez' });
    await session.app.rpc('signups.add', { eventId: park, volunteerId: maria.volunteerId });

    const { page, errors } = await session.open();
    const feed = page.getByTestId('feed-list');
    await expect.poll(() => feed.innerText().catch(() => ''), { timeout: 15_000 }).toContain('Maria Lopez signed up for 2 events today');

    // The coordinator's own hand reads as theirs, with nobody to follow.
    await expect.poll(() => feed.innerText()).toContain('You added signups to 2 events today');
    const mine = page.getByTestId('feed-item').filter({ hasText: 'You added signups to 2 events today' });
    expect(await mine.getByRole('button', { name: /Follow/ }).count()).toBe(0);

    const marias = page.getByTestId('feed-item').filter({ hasText: 'Maria Lopez signed up for 2 events today' });
    await marias.getByRole('button', { name: 'Show 2' }).click();
    await expect.poll(() => feed.innerText()).toContain('Maria Lopez signed up for Park Planting');

    await page.getByRole('button', { name: 'Follow Maria Lopez' }).click();
    await expect.poll(async () => (await session.app.rpc<{ targets: string[] }>('feed.following')).targets).toEqual([`volunteer:${maria.volunteerId}`]);
    await page.getByRole('tab', { name: 'Following' }).click();
    await expect.poll(() => page.getByTestId('feed-list').innerText().catch(() => '')).toContain('Maria Lopez signed up for 2 events today');

    await page.getByRole('tab', { name: 'Everything' }).click();
    await session.app.rpc('signups.add', { eventId: beach, name: 'Sam Lee' });
    // No reload: feed.updated reaches the page over the live link.
    await expect.poll(() => feed.innerText().catch(() => ''), { timeout: 15_000 }).toContain('Sam Lee signed up for Beach Cleanup today');
    await screenshot(page, 'feed');
    expect(errors).toEqual([]);
  });
});
