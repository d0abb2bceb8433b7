import { describe, expect, it } from 'vitest';
import type { EventView } from '../../src-main/contract/events';
import { appSession } from './support/session';

const session = appSession();

describe('editing an event in the browser', () => {
  it('saves a slot description and keeps it through an edit of the places', async () => {
    const { page, errors } = await session.open('#/events/new');
    const form = page.getByRole('form', { name: 'New event' });
    await form.getByLabel('Title', { exact: true }).fill('Dune planting');
    await form.getByLabel('Places').fill('4');
    await form.getByLabel('Slot description').fill('Planting marram grass');
    await expect.poll(() => form.getByLabel('Post text', { exact: true }).inputValue()).toContain('Planting marram grass');
    await form.getByRole('button', { name: 'Create event' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/events\/(?!new)[^/]+$/);
    const eventId = decodeURIComponent(page.url().split('/').pop() ?? '');

    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit event' });
    await expect.poll(() => edit.getByLabel('Slot description').inputValue()).toBe('Planting marram grass');
    await edit.getByLabel('Places').fill('8');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await session.app.rpc<EventView>('events.get', { id: eventId })).slots[0]!.capacity).toBe(8);
    expect((await session.app.rpc<EventView>('events.get', { id: eventId })).slots[0]!.description).toBe('Planting marram grass');
    expect(errors).toEqual([]);
  });

  it('does not offer to publish a scheduled event now', async () => {
    const e = await session.app.rpc<EventView>('events.create', {
      title: 'Winter coat drive',
      slots: [{ title: 'Sorting', start: '2026-12-20T09:00:00Z', end: '2026-12-20T12:00:00Z', capacity: 5 }],
    });
    await session.app.rpc('events.publish', { id: e.id, at: new Date(Date.now() + 3600_000).toISOString() });
    const { page, errors } = await session.open(`#/events/${encodeURIComponent(e.id)}`);
    await expect.poll(() => page.locator('#main').innerText(), { timeout: 30_000 }).toMatch(/Scheduled on Facebook for/);
    expect(await page.getByRole('button', { name: 'Publish now' }).count()).toBe(0);
    expect(await page.locator('#main').innerText()).not.toMatch(/still publish now/);
    expect(errors).toEqual([]);
  });

  it('saves the Facebook App ID from Settings', async () => {
    const { page, errors } = await session.open('#/settings');
    await page.getByRole('tab', { name: 'Facebook Page' }).waitFor();
    const step1 = page.locator('[data-step="1"]');
    await step1.getByLabel('App ID').fill('app-one');
    await expect.poll(() => step1.getByText('An App ID is made of digits only.').count()).toBe(1);
    await step1.getByLabel('App ID').fill('200000000000002');
    await step1.locator('form').filter({ has: page.getByLabel('App ID') }).getByRole('button', { name: 'Save and check' }).click();
    await expect.poll(async () => (await session.app.rpc<{ appId: string | null }>('settings.get')).appId).toBe('200000000000002');
    expect(errors).toEqual([]);
  });
});
