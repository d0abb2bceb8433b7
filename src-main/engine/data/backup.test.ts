import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { memoryLogger } from '../log';
import { utimesSync } from 'node:fs';
import { watchLoopDelay } from '../../../test/support/loop-delay';
import { HISTORY_FOLDER, MetricHistory } from '../metrics/history';
import { BackupService, HISTORY_CSV, newestGoodCopy, toCsv } from './backup';

describe('backups and exports', () => {
  let root: string;
  let clock: ManualClock;
  let svc: BackupService;
  let retention = 3;

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'vt-backup-'));
    mkdirSync(path.join(root, 'data'));
    writeFileSync(path.join(root, 'data', 'volunteers.json'), JSON.stringify({ volunteers: { a: { id: 'a', name: 'Maria', tags: ['driver'] } } }));
    writeFileSync(path.join(root, 'secrets.json'), JSON.stringify({ values: { pageToken: 'never-in-a-backup' } }));
    clock = new ManualClock();
    retention = 3;
    svc = new BackupService({
      dataDir: path.join(root, 'data'),
      backupsDir: path.join(root, 'backups'),
      exportsDir: path.join(root, 'exports'),
      clock,
      log: memoryLogger(),
      retentionDays: () => retention,
      flush: async () => undefined,
    });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('backs up once a day and keeps backups for the retention period', async () => {
    expect(await svc.backupIfDue()).not.toBeNull();
    clock.advance(3600 * 1000);
    expect(await svc.backupIfDue()).toBeNull();
    for (let day = 0; day < 6; day += 1) {
      clock.advance(24 * 3600 * 1000);
      await svc.backupIfDue();
    }
    const list = await svc.list();
    // Retention 3 days: backups from the last 3 days survive (3 or 4 depending on the hour).
    expect(list.length).toBeGreaterThanOrEqual(3);
    expect(list.length).toBeLessThanOrEqual(4);
    const newest = list[0]!;
    const copied = readFileSync(path.join(root, 'backups', newest.name, 'volunteers.json'), 'utf8');
    expect(copied).toContain('Maria');
    expect(readdirSync(path.join(root, 'backups', newest.name))).not.toContain('secrets.json');
  });

  it('reads a large backup copy back without holding the event loop', async () => {
    // A 10 MB roster import leaves a volunteers file of ~15 MB, and the data has then doubled,
    // so the next look takes a backup at once; parsing its copy on the main thread held the
    // loop ~100 ms (this file is larger, so the old way stands out from a shared machine's noise).
    const volunteers: Record<string, unknown> = {};
    for (let i = 0; i < 200_000; i += 1) volunteers[`vol_${i}`] = { id: `vol_${i}`, name: `Person ${i}`, email: `person${i}@example.test`, notes: 'Prefers mornings near the park' };
    writeFileSync(path.join(root, 'data', 'volunteers.json'), JSON.stringify(volunteers));
    const watch = watchLoopDelay();
    const info = await svc.backupNow();
    const loop = watch.stop();
    expect(info.files).toBe(1);
    expect(info.bytes).toBe(readFileSync(path.join(root, 'data', 'volunteers.json')).length);
    expect(loop.heldMs, loop.text).toBeLessThan(100);
    // Read back off the thread still means checked: a copy that does not parse is no backup.
    writeFileSync(path.join(root, 'data', 'signups.json'), '{"a": {"id": "a"');
    clock.advance(60_000);
    await expect(svc.backupNow()).rejects.toThrow(/could not be checked \(.*signups\.json/);
    expect(readdirSync(path.join(root, 'backups'))).toEqual([info.name]);
  });

  it('keeps the newest backup even when all are past retention', async () => {
    await svc.backupNow();
    retention = 1;
    clock.advance(10 * 24 * 3600 * 1000);
    await svc.backupNow();
    expect((await svc.list()).length).toBe(1);
  });

  it('exports every data file as JSON and its lists as CSV', async () => {
    const result = await svc.exportAll();
    expect(result.files).toEqual(['volunteers.json', 'volunteers-volunteers.csv']);
    const csv = readFileSync(path.join(result.folder, 'volunteers-volunteers.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('id,name,tags');
    expect(csv).toContain('Maria');
    expect(existsSync(path.join(result.folder, 'secrets.json'))).toBe(false);
  });

  it('exports the metric history as one CSV, every node and day, a cut last line left out', async () => {
    const history = await MetricHistory.open(path.join(root, 'data'), clock, memoryLogger(), { flushMs: 60_000 });
    const day1 = Date.parse('2026-11-30T10:00:00Z');
    history.append('signups:today', { at: day1, value: 4, source: 'input' });
    history.append('signups:today', { at: day1 + 86_400_000, value: 7, source: 'input' });
    history.append('=share', { at: day1 + 60_000, value: 0.5, source: 'computed' });
    await history.flush();
    // A crash while appending leaves the last line of a day file cut short.
    const folder = readdirSync(path.join(root, 'data', HISTORY_FOLDER)).find((f) => f.startsWith('signups'))!;
    appendFileSync(path.join(root, 'data', HISTORY_FOLDER, folder, '2026-12-01.jsonl'), '[17648');
    const result = await svc.exportAll();
    expect(result.files).toContain(HISTORY_CSV);
    const lines = readFileSync(path.join(result.folder, HISTORY_CSV), 'utf8').split('\r\n');
    expect(lines[0]).toBe('node,time,value,kind');
    expect(lines.slice(1).sort()).toEqual([
      "'=share,2026-11-30T10:01:00.000Z,0.5,computed",
      'signups:today,2026-11-30T10:00:00.000Z,4,input',
      'signups:today,2026-12-01T10:00:00.000Z,7,input',
    ]);
  });

  it('neutralises spreadsheet formulas in CSV cells', () => {
    const csv = toCsv([{ name: '=HYPERLINK("http://evil")', note: '+1' }]);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain("'+1");
  });

  /** Changes the data as the app would (a later file time than any backup's). */
  const change = (n: number, at: number) => {
    const file = path.join(root, 'data', 'signups.json');
    writeFileSync(file, JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, { id: `s${i}`, note: 'x'.repeat(40) }]))));
    utimesSync(file, at / 1000, at / 1000);
  };

  it('backs up as soon as the data has doubled, hourly while it changes, and not while it does not', async () => {
    let fileTime = Date.now();
    const first = await svc.backupIfDue();
    expect(first).not.toBeNull();
    // The first batch of the day's signups: far more than the backup holds, so at once.
    change(200, (fileTime += 1000));
    clock.advance(60_000);
    expect(await svc.backupIfDue()).not.toBeNull();
    // A little more: not yet (under an hour), then hourly.
    change(210, (fileTime += 1000));
    clock.advance(10 * 60_000);
    expect(await svc.backupIfDue()).toBeNull();
    clock.advance(55 * 60_000);
    expect(await svc.backupIfDue()).not.toBeNull();
    // Nothing changes: no new backup within the day.
    clock.advance(5 * 3600_000);
    expect(await svc.backupIfDue()).toBeNull();
    expect((await svc.list()).length).toBe(3);
  });

  it('keeps hourly generations of the last day and one per older day, under the size cap', async () => {
    let fileTime = Date.now();
    for (let i = 0; i < 72; i += 1) {
      change(20 + i, (fileTime += 1000));
      clock.advance(3600_000);
      await svc.backupIfDue();
    }
    const list = await svc.list();
    // 24 hourly ones, plus the newest of each of the two days before (retention 3 days).
    expect(list.length).toBeGreaterThanOrEqual(25);
    expect(list.length).toBeLessThanOrEqual(27);
    const capped = new BackupService({
      dataDir: path.join(root, 'data'), backupsDir: path.join(root, 'backups'), exportsDir: path.join(root, 'exports'), clock, log: memoryLogger(),
      retentionDays: () => retention, flush: async () => undefined, maxBytes: 3 * (list[0]!.bytes + 10),
    });
    clock.advance(3600_000);
    change(500, (fileTime += 1000));
    await capped.backupNow();
    expect((await capped.list()).length).toBe(3);
  });

  it('finds the newest backup copy of a file that still parses, passing over a damaged one', async () => {
    let fileTime = Date.now();
    change(5, (fileTime += 1000));
    await svc.backupNow();
    clock.advance(3600_000);
    change(9, (fileTime += 1000));
    const newest = await svc.backupNow();
    expect(JSON.parse((await newestGoodCopy(path.join(root, 'backups'), 'signups.json'))!.text)).toHaveProperty('s8');
    writeFileSync(path.join(root, 'backups', newest.name, 'signups.json'), '{"s0": {"id"');
    const older = await newestGoodCopy(path.join(root, 'backups'), 'signups.json');
    expect(Object.keys(JSON.parse(older!.text))).toHaveLength(5);
    expect(await newestGoodCopy(path.join(root, 'backups'), 'nothing.json')).toBeNull();
  });
  it('backs up the metric history, linking day files unchanged since the previous backup and copying the rest', async () => {
    const node = path.join(root, 'data', 'metric-history', 'event_e1_signups');
    mkdirSync(node, { recursive: true });
    writeFileSync(path.join(node, 'node'), 'event:e1:signups');
    // A line a crash once cut short stays in the middle of a day file: the history skips it, so must a backup.
    const old = '[1764500000000,3,"i"]\n[1764500001000,4\n[1764500002000,5,"c"]\n';
    writeFileSync(path.join(node, '2026-11-30.jsonl'), old);
    writeFileSync(path.join(node, '2026-12-01.jsonl'), '[1764590000000,6,"i"]\n');
    const past = (Date.now() - 60_000) / 1000;
    for (const f of ['node', '2026-11-30.jsonl', '2026-12-01.jsonl']) utimesSync(path.join(node, f), past, past);

    const first = await svc.backupNow();
    const copyIn = (b: { name: string }, f: string) => path.join(root, 'backups', b.name, 'metric-history', 'event_e1_signups', f);
    expect(readFileSync(copyIn(first, '2026-11-30.jsonl'), 'utf8')).toBe(old);
    expect(readFileSync(copyIn(first, 'node'), 'utf8')).toBe('event:e1:signups');
    expect(first.files).toBe(4);

    // Only the history changed (a reading appended to today's file): that is a change, so the
    // hourly backup is taken.
    appendFileSync(path.join(node, '2026-12-01.jsonl'), '[1764590060000,7,"i"]\n');
    const later = (Date.now() + 10_000) / 1000;
    utimesSync(path.join(node, '2026-12-01.jsonl'), later, later);
    clock.advance(3600_000);
    const second = await svc.backupIfDue();
    expect(second).not.toBeNull();
    // The unchanged day is the earlier copy, linked; the grown day is copied anew, and the
    // first backup's copy of it is left as it was.
    expect(statSync(copyIn(second!, '2026-11-30.jsonl')).ino).toBe(statSync(copyIn(first, '2026-11-30.jsonl')).ino);
    expect(statSync(copyIn(second!, '2026-12-01.jsonl')).ino).not.toBe(statSync(copyIn(first, '2026-12-01.jsonl')).ino);
    expect(readFileSync(copyIn(second!, '2026-12-01.jsonl'), 'utf8')).toContain('1764590060000');
    expect(readFileSync(copyIn(first, '2026-12-01.jsonl'), 'utf8')).not.toContain('1764590060000');
    // Pruning the older backup leaves the linked copy readable in the newer one.
    rmSync(path.join(root, 'backups', first.name), { recursive: true });
    expect(readFileSync(copyIn(second!, '2026-11-30.jsonl'), 'utf8')).toBe(old);
  });
});
