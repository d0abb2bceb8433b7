import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { memoryLogger } from '../log';
import { BackupService, toCsv } from './backup';

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

  it('neutralises spreadsheet formulas in CSV cells', () => {
    const csv = toCsv([{ name: '=HYPERLINK("http://evil")', note: '+1' }]);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain("'+1");
  });
});
