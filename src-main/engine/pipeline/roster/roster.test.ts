import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Papa from 'papaparse';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from '../testing/harness';

const CSV = [
  'First Name,Last Name,E-mail,Tags,Notes,Facebook ID',
  'Ana,Lima,ana@example.test,driver; cook,Has a van,',
  'Ben,,BEN@example.test,,,',
  ',,nobody@example.test,,,',
  'Cleo,Park,not-an-email,,,',
  'Dan,Wu,ana@example.test,,,',
  'Eve,Stone,,first aid,,12ab',
  'Fay,Ray,,,"Prefers mornings",3001',
  '"Gus ""G"" Hill",,gus@example.test,,,',
  'Hal,Kim,hal@example.test,,,,extra,cells',
].join('\n');

describe('roster', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ graph: new FakeGraph() });
  });
  afterEach(() => h.cleanup());

  it('previews a CSV import with every rejected row and its reason, then imports it', async () => {
    const preview = await call(h.module, 'volunteers.importCsv', { csv: CSV });
    expect(preview.dryRun).toBe(true);
    expect(preview.columns).toEqual({ firstName: 'First Name', lastName: 'Last Name', email: 'E-mail', tags: 'Tags', notes: 'Notes', facebookId: 'Facebook ID' });
    expect(preview.rejected.map((r) => [r.line, r.reason])).toEqual([
      [4, 'No name'],
      [5, '"not-an-email" does not look like an email address'],
      [6, 'Same email as line 2'],
      [7, '"12ab" is not a Facebook id (digits only)'],
      [10, expect.stringMatching(/could not be read/)],
    ]);
    expect(preview.preview.map((r) => r.name)).toEqual(['Ana Lima', 'Ben', 'Fay Ray', 'Gus "G" Hill']);
    expect(preview.preview[0]).toMatchObject({ email: 'ana@example.test', tags: ['driver', 'cook'], notes: 'Has a van', action: 'create' });
    expect((await call(h.module, 'volunteers.search', { query: '' })).total).toBe(0);

    const done = await call(h.module, 'volunteers.importCsv', { csv: CSV, dryRun: false });
    expect(done.created).toBe(4);
    expect((await call(h.module, 'volunteers.search', { query: 'lima' })).items.map((v) => v.name)).toEqual(['Ana Lima']);
    expect((await call(h.module, 'volunteers.search', { query: '', filter: 'tag', tag: 'Driver' })).items.map((v) => v.name)).toEqual(['Ana Lima']);
    // Importing again fills in, never duplicates.
    const again = await call(h.module, 'volunteers.importCsv', { csv: CSV, dryRun: false });
    expect([again.created, again.updated]).toEqual([0, 4]);
    expect((await call(h.module, 'volunteers.search', { query: '' })).total).toBe(4);
  });

  it('refuses a file without a name column, saying which columns it found', async () => {
    await expect(call(h.module, 'volunteers.importCsv', { csv: 'Email,Phone\na@b.test,1' })).rejects.toThrow(/needs a "Name" column.*Email, Phone/);
  });

  it('recognises an imported person when they comment (by Facebook id), merges duplicates and exports CSV', async () => {
    await call(h.module, 'volunteers.importCsv', { csv: 'Name,Facebook id,Email\nFay Ray,3001,fay@example.test\n=cmd,,', dryRun: false });
    const e = await call(h.module, 'events.create', { title: 'Park day', slots: [{ title: 'All day', start: '2026-12-05T09:00:00Z', end: '2026-12-05T17:00:00Z', capacity: 9 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    await feedIntents(h, [
      commentIntent({ postId, from: { id: '3001', name: 'Fay Ray' }, message: "I'm in", intent: 'signup' }),
      commentIntent({ postId, from: { id: '4001', name: 'Fay R.' }, message: 'question: where?', intent: 'question' }),
    ]);
    await settled(h);
    const found = await call(h.module, 'volunteers.search', { query: 'fay' });
    expect(found.total).toBe(2);
    const keep = found.items.find((v) => v.facebookId === '3001')!;
    const dup = found.items.find((v) => v.facebookId === '4001')!;
    expect(keep.email).toBe('fay@example.test');
    expect(keep.eventsSignedUp).toBe(1);
    await call(h.module, 'volunteers.update', { id: dup.id, tags: ['new'], notes: 'met at the market' });
    const merged = await call(h.module, 'volunteers.merge', { keepId: keep.id, mergeIds: [dup.id] });
    expect(merged).toMatchObject({ tags: ['new'], notes: 'met at the market', mergedIds: [dup.id] });
    await expect(call(h.module, 'volunteers.get', { id: dup.id })).rejects.toThrow(/no volunteer/);
    // The duplicate's Facebook id now leads to the kept record.
    await feedIntents(h, [commentIntent({ postId, from: { id: '4001', name: 'Fay R.' }, message: 'thanks!', intent: 'other' })]);
    await settled(h);
    expect((await call(h.module, 'volunteers.search', { query: 'fay' })).total).toBe(1);

    const out = await call(h.module, 'volunteers.exportCsv', { query: '' });
    const rows = Papa.parse<Record<string, string>>(out.csv, { header: true }).data;
    expect(rows.map((r) => r.Name).sort()).toEqual(["'=cmd", 'Fay Ray']);
    expect(rows.find((r) => r.Name === 'Fay Ray')).toMatchObject({ Email: 'fay@example.test', 'Facebook id': '3001', Tags: 'new', 'Events signed up': '1' });
  });

  it('exports every column neutralised, the Facebook id and leading spaces or fullwidth signs included', async () => {
    const e = await call(h.module, 'events.create', { title: 'Park day', slots: [{ title: 'All day', start: '2026-12-05T09:00:00Z', end: '2026-12-05T17:00:00Z', capacity: 9 }] });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    await feedIntents(h, [commentIntent({ postId, from: { id: '-1-1', name: 'Ivy' }, message: "I'm in", intent: 'signup' })]);
    await settled(h);
    const ivy = (await call(h.module, 'volunteers.search', { query: 'ivy' })).items[0]!;
    await call(h.module, 'volunteers.update', { id: ivy.id, name: '＝HYPERLINK("http://evil")', email: '-ivy@example.test', tags: ['+tag'], notes: ' =1+1' });

    const volunteers = await call(h.module, 'volunteers.exportCsv', { query: '' });
    const signups = await call(h.module, 'signups.export', { eventId: e.id });
    for (const csv of [volunteers.csv, signups.csv]) {
      const [header, ...rows] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
      expect(rows).toHaveLength(1);
      expect(rows[0]!.length).toBe(header!.length);
      for (const cell of rows[0]!) expect(cell).not.toMatch(/^[\s]*[=+\-@\uff1d\uff0b\uff0d\uff20]/);
    }
    const row = Papa.parse<Record<string, string>>(volunteers.csv, { header: true }).data[0]!;
    expect(row).toMatchObject({ Name: `'＝HYPERLINK("http://evil")`, Email: "'-ivy@example.test", 'Facebook id': "'-1-1", Tags: "'+tag", Notes: "' =1+1" });
  });
});
