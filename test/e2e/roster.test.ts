import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser';
import { appSession } from './support/session';

const session = appSession();

const HOSTILE_NOTE = 'Prefers mornings. javascript:alert(document.domain) <a href="javascript:alert(1)">click</a> see https://evil.example/phish';
const CSV = [
  'Name,Email,Tags,Notes',
  `Ana Ruiz,ana@example.org,driver,"${HOSTILE_NOTE.replace(/"/g, '""')}"`,
  'Ben Cole,ben@example.org,,',
  ',nobody@example.org,,no name here',
].join('\n');

function slot(daysAhead: number) {
  const start = new Date(Date.now() + daysAhead * 86_400_000);
  return { title: 'Morning', start: start.toISOString(), end: new Date(start.getTime() + 3 * 3_600_000).toISOString(), capacity: 5 };
}

describe('the roster', () => {
  it('imports a CSV roster with a preview and a report of rejected rows', async () => {
    const { page, errors } = await session.open('#/volunteers');
    await page.getByText('No volunteers yet').waitFor();
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.innerText()).toMatch(/Preview of roster\.csv: 2 new, 0 updated, 1 rejected/);
    expect(await page.getByTestId('rejected-row').count()).toBe(1);
    expect(await page.getByTestId('rejected-row').innerText()).toMatch(/^4\b/);
    await screenshot(page, 'volunteers-import');
    await page.getByRole('button', { name: 'Import 2 volunteers' }).click();
    await expect.poll(() => report.innerText()).toMatch(/Imported: 2 new/);
    await expect.poll(() => page.getByTestId('volunteer-row').count()).toBe(2);
    expect(errors).toEqual([]);
  });

  it('names how a file was read, and refuses one over the size limit before sending it', async () => {
    const { page, errors } = await session.open('#/volunteers');
    await page.getByRole('button', { name: 'Import CSV' }).click();
    // "René Dupré" as an old Excel saves it: Windows-1252, é = E9.
    const cp1252 = Buffer.from([...Buffer.from('Name,Email\nRen'), 0xe9, ...Buffer.from(' Dupr'), 0xe9, ...Buffer.from(',rene@example.org\n')]);
    await page.getByLabel('CSV file').setInputFiles({ name: 'old-excel.csv', mimeType: 'text/csv', buffer: cp1252 });
    const report = page.getByTestId('import-report');
    await expect.poll(() => report.innerText()).toMatch(/Preview of old-excel\.csv: 1 new/);
    expect(await page.getByTestId('import-encoding').innerText()).toMatch(/^Read as Windows-1252/);
    expect(await page.getByRole('table', { name: 'Rows to import' }).innerText()).toContain('René Dupré');

    const rpc: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/rpc/volunteers.importCsv')) rpc.push(r.url());
    });
    await page.getByLabel('CSV file').setInputFiles({ name: 'huge.csv', mimeType: 'text/csv', buffer: Buffer.alloc(10_000_001, 0x61) });
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/huge\.csv is 10\.0 MB; a roster file can be at most 10 MB/);
    expect(rpc).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('finds a returning volunteer, and a hostile link in a note cannot move the app window', async () => {
    const found = await session.app.rpc<{ items: { id: string; name: string }[] }>('volunteers.search', { query: 'ana' });
    const ana = found.items[0];
    expect(ana?.name).toBe('Ana Ruiz');
    for (const days of [3, 10]) {
      const ev = await session.app.rpc<{ id: string }>('events.create', { title: `Food drive +${days}`, slots: [slot(days)] });
      await session.app.rpc('signups.add', { eventId: ev.id, volunteerId: ana!.id });
    }

    const { page, errors } = await session.open('#/volunteers');
    await page.getByLabel('Search volunteers').fill('ana');
    await page.getByLabel('Show').selectOption('returning');
    await expect.poll(() => page.getByTestId('volunteer-row').count()).toBe(1);
    expect(await page.getByTestId('volunteer-row').innerText()).toMatch(/Ana Ruiz\s*returning/);
    await page.getByRole('link', { name: 'Ana Ruiz' }).click();
    const profile = page.getByTestId('volunteer-profile');
    await expect.poll(() => profile.innerText()).toMatch(/2 signed up/);
    await screenshot(page, 'volunteers');

    // The note is shown as text: no javascript: link exists, markup is not interpreted.
    const notes = page.getByTestId('volunteer-notes');
    expect(await notes.innerText()).toContain('<a href="javascript:alert(1)">click</a>');
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs += 1;
      void d.dismiss();
    });
    // Nothing leaves this machine: the outside site is played by a local stand-in.
    await page.context().route('https://evil.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<p>outside</p>' }));
    const appUrl = page.url();
    const popup = page.waitForEvent('popup');
    await notes.getByRole('link', { name: 'https://evil.example/phish' }).click();
    const opened = await popup;
    expect(opened.url()).toContain('evil.example');
    expect(await opened.evaluate(() => window.opener)).toBeNull();
    await opened.close();
    expect(page.url()).toBe(appUrl);

    // Even a link injected into the page by other means is held back by the link guard.
    await page.evaluate(() => {
      const a = document.createElement('a');
      a.href = 'javascript:alert(2)';
      a.textContent = 'injected';
      a.id = 'injected';
      document.getElementById('main')?.append(a);
      const b = document.createElement('a');
      b.href = 'https://evil.example/same-window';
      b.textContent = 'injected-external';
      b.id = 'injected-external';
      document.getElementById('main')?.append(b);
    });
    await page.locator('#injected').click();
    const second = page.waitForEvent('popup');
    await page.locator('#injected-external').click();
    await (await second).close();
    expect(page.url()).toBe(appUrl);
    expect(dialogs).toBe(0);
    expect(errors).toEqual([]);
  });

  it('deletes a person from their profile, by keyboard, after a confirmation that names them', async () => {
    const ben = (await session.app.rpc<{ items: { id: string }[] }>('volunteers.search', { query: 'ben cole' })).items[0]!;
    const ev = await session.app.rpc<{ id: string }>('events.create', { title: 'Tool library', slots: [{ ...slot(4), capacity: 1 }] });
    await session.app.rpc('signups.add', { eventId: ev.id, volunteerId: ben.id });
    await session.app.rpc('signups.add', { eventId: ev.id, name: 'Dana Park' });

    const { page, errors } = await session.open(`#/volunteers/${ben.id}`);
    const profile = page.getByTestId('volunteer-profile');
    await expect.poll(() => profile.innerText()).toMatch(/Ben Cole/);
    const open = page.getByRole('button', { name: 'Delete this person…' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete Ben Cole?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/cannot be undone/);
    expect(await dialog.innerText()).toMatch(/backup/i);
    // The safe choice has the focus; Escape backs out and nothing changes.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await screenshot(page, 'volunteer-delete');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('volunteer-row').count()).toBe(3);
    expect(await profile.innerText()).toMatch(/Ben Cole/);

    await open.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete Ben Cole');
    await page.keyboard.press('Enter');
    await page.getByText('Ben Cole was deleted. 1 person moved up from a waitlist.').waitFor();
    await expect.poll(() => page.url()).toMatch(/#\/volunteers$/);
    await expect.poll(async () => (await page.getByRole('table', { name: 'Volunteers' }).innerText()).includes('Ben Cole')).toBe(false);
    expect(await page.getByRole('table', { name: 'Volunteers' }).innerText()).toMatch(/Dana Park/);
    const signups = await session.app.rpc<{ slots: { signups: { volunteerName: string }[]; waitlist: unknown[] }[] }>('signups.list', { eventId: ev.id });
    expect(signups.slots[0]!.signups.map((s) => s.volunteerName)).toEqual(['Dana Park']);
    expect(signups.slots[0]!.waitlist).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('merges duplicates after asking, keeping the record the coordinator chooses', async () => {
    await session.app.rpc('volunteers.importCsv', { csv: 'Name,Email\nCara Diaz,cara@example.org\nCara D.,', dryRun: false });
    const { page, errors } = await session.open('#/volunteers');
    await page.getByLabel('Search volunteers').fill('cara');
    await expect.poll(() => page.getByTestId('volunteer-row').count()).toBe(2);
    await page.getByLabel('Select Cara Diaz').check();
    await page.getByLabel('Select Cara D.').check();
    await page.getByRole('button', { name: 'Merge 2 into one' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge 2 volunteers into one?' });
    await dialog.waitFor();
    expect(await dialog.innerText()).toMatch(/cannot be undone/);
    // Cancel changes nothing.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('volunteer-row').count()).toBe(2);

    await page.getByRole('button', { name: 'Merge 2 into one' }).click();
    await dialog.waitFor();
    await dialog.getByRole('radio', { name: /Cara D\./ }).check();
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('volunteer-row').count()).toBe(1);
    expect(await page.getByTestId('volunteer-row').innerText()).toMatch(/Cara D\./);
    const left = await session.app.rpc<{ items: { name: string; email: string | null }[] }>('volunteers.search', { query: 'cara' });
    expect(left.items).toHaveLength(1);
    expect(left.items[0]!.name).toBe('Cara D.');
    expect(errors).toEqual([]);
  });
});
