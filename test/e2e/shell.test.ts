import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();

describe('the desk over `voluntree serve`', () => {
  it('loads, forgets the token in the address bar, and shows Redis up in the status strip', async () => {
    const { page, errors } = await session.open();
    const strip = page.getByTestId('status-strip');
    await expect.poll(() => strip.getByTestId('status-redis').innerText()).toMatch(/Redis\s+up/);
    await expect.poll(() => strip.getByTestId('status-live').innerText()).toMatch(/Live/);
    expect(page.url()).not.toContain(session.app.token);
    expect(await page.evaluate(() => sessionStorage.getItem('voluntree.token'))).toBe(session.app.token);
    await expect.poll(() => page.getByTestId('today-redis').innerText()).toMatch(/Up/);
    await screenshot(page, 'today');
    expect(errors).toEqual([]);
  });

  it('says how to sign in when the page has no token', async () => {
    const context = await session.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${session.app.url}/#token=not-the-token`);
    await expect.poll(() => page.getByRole('heading', { name: 'Open Voluntree from its address' }).count()).toBe(1);
    await context.close();
  });

  it('walks the Facebook connection steps and saves one, with its check turning green', async () => {
    const { page, errors } = await session.open('#/settings');
    await page.getByRole('tab', { name: 'Facebook Page' }).waitFor();
    const step2 = page.locator('[data-step="2"]');
    await step2.getByLabel('Page ID').fill('12ab');
    await expect.poll(() => step2.getByText('A Page ID is made of digits only.').count()).toBe(1);
    await step2.getByLabel('Page ID').fill('104857600123456');
    await step2.getByRole('button', { name: 'Save and check' }).click();
    await expect.poll(() => step2.getByRole('status').innerText()).toBe('Saved');
    const saved = await session.app.rpc<{ pageId: string | null }>('settings.get');
    expect(saved.pageId).toBe('104857600123456');
    await page.getByRole('button', { name: 'Check the connection' }).click();
    await expect.poll(() => page.getByTestId('connect-result').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.getByTestId('connect-result').innerText()).toMatch(/Page token/);
    await screenshot(page, 'settings');
    expect(errors).toEqual([]);
  });

  it('disconnects the Page by removing its saved token', async () => {
    // A token without a Page ID keeps demo mode, so nothing here calls the real Graph API.
    await session.app.rpc('settings.set', { pageId: null, pageToken: 'EAAG-e2e-page-token' });
    const { page, errors } = await session.open('#/settings');
    const step3 = page.locator('[data-step="3"]');
    await expect.poll(() => step3.getByRole('status').innerText()).toBe('Saved');
    await step3.getByRole('button', { name: 'Disconnect the Page (remove the token)' }).click();
    await expect.poll(() => step3.getByRole('status').innerText()).toBe('Needed');
    const saved = await session.app.rpc<{ secrets: { pageToken: boolean } }>('settings.get');
    expect(saved.secrets.pageToken).toBe(false);
    expect(await step3.getByRole('button', { name: /Disconnect the Page/ }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('says what to do on each screen while there is nothing yet', async () => {
    const { page, errors } = await session.open();
    const expected: [string, RegExp][] = [
      ['#/events', /No events yet/],
      ['#/volunteers', /No volunteers yet/],
      ['#/broadcasts', /No updates sent yet/],
      ['#/inbox', /No questions waiting/],
    ];
    for (const [route, text] of expected) {
      await page.evaluate((r) => (window.location.hash = r), route);
      await expect.poll(() => page.locator('#main').innerText()).toMatch(text);
    }
    await page.evaluate(() => (window.location.hash = '#/settings'));
    await page.getByRole('tab', { name: 'Reply templates' }).click();
    await expect.poll(() => page.getByLabel('Signup — public reply').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it('moves between screens by keyboard', async () => {
    const { page } = await session.open();
    // The shortcuts are listened for once the app has drawn its first screen.
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await expect.poll(() => page.getByTestId('status-live').innerText()).toMatch(/Live/);
    await page.keyboard.press('Alt+7');
    await expect.poll(() => page.url()).toMatch(/#\/settings$/);
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.url()).toMatch(/#\/today$/);
  });
});
