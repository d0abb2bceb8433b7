import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();

describe('an event from draft to live signups', () => {
  it('creates an event, publishes it, and shows signups arriving live on Today without a reload', async () => {
    const { page, errors } = await session.open('#/events/new');
    const form = page.getByRole('form', { name: 'New event' });
    await form.getByLabel('Title', { exact: true }).fill('Riverside park cleanup');
    await form.getByLabel('Location').fill('North gate, Riverside park');
    // Room for the demo crowd too: simulated people start commenting 2–6 s after the post goes
    // out, so their signups may arrive beside the two this test adds.
    await form.getByLabel('Places').fill('20');
    // The post text follows the details until the coordinator edits it.
    await expect.poll(() => form.getByLabel('Post text', { exact: true }).inputValue()).toContain('Riverside park cleanup');
    await screenshot(page, 'event-new');
    await form.getByRole('button', { name: 'Create event' }).click();

    await expect.poll(() => page.url()).toMatch(/#\/events\/(?!new)[^/]+$/);
    await expect.poll(() => page.getByTestId('event-status').first().innerText()).toBe('Draft');
    const before = page.url();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await expect.poll(() => page.getByTestId('event-status').first().innerText(), { timeout: 30_000 }).toBe('Published');

    const eventId = decodeURIComponent(page.url().split('/').pop() ?? '');

    // Watch Today without reloading: a signup made elsewhere arrives over the live link.
    await page.getByRole('link', { name: 'Today' }).click();
    await page.getByText('Live signups', { exact: true }).waitFor();
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await session.app.rpc('signups.add', { eventId, name: 'Maria Lopez' });
    await session.app.rpc('signups.add', { eventId, name: 'Sam Okafor', partySize: 2 });
    // Newest first; the crowd's own signups may sit between or above them.
    await expect
      .poll(async () => ((await page.getByTestId('live-signups').count()) ? page.getByTestId('live-signups').innerText() : ''), { timeout: 30_000 })
      .toMatch(/Sam Okafor[\s\S]*Maria Lopez/);
    const filled = async () => Number((await page.getByTestId('event-fill').first().innerText()).match(/(\d+) \/ 20 signed up/)?.[1] ?? 0);
    await expect.poll(filled).toBeGreaterThanOrEqual(3);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker);

    await page.goBack();
    expect(page.url()).toBe(before);
    await expect.poll(() => page.getByTestId('signup-row').count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel('Maria Lopez came').click();
    await expect.poll(() => page.getByLabel('Maria Lopez came').isChecked()).toBe(true);
    await screenshot(page, 'event-signups');
    expect(errors).toEqual([]);
  });
});
