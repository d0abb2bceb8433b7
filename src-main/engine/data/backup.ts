import { copyFile, mkdir, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupInfo, ExportResult } from '../../contract/data';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { safeCsv } from '../pipeline/roster/csv-safe';

export interface BackupOptions {
  /** The store's folder of lowdb files. */
  dataDir: string;
  /** Where backups go (one folder per backup). */
  backupsDir: string;
  /** Where exports go. */
  exportsDir: string;
  clock: Clock;
  log: Logger;
  retentionDays: () => number;
  /** Writes pending data first, so a backup holds what the coordinator sees. */
  flush: () => Promise<void>;
}

const DAY = 24 * 3600 * 1000;

function stamp(t: number): string {
  return new Date(t).toISOString().replace(/[:.]/g, '-').replace('Z', '');
}

/**
 * Daily copies of the data folder with retention, and exports of everything (JSON + CSV).
 * Backups hold the lowdb files only: secrets stay in their own protected file and are never
 * copied, so a backup handed to someone else leaks no token.
 */
export class BackupService {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: BackupOptions) {}

  /** Backs up now if the newest backup is older than a day, then checks every hour. */
  async start(): Promise<void> {
    await this.backupIfDue().catch((err: Error) => this.opts.log.error('daily backup failed', { err: err.message }));
    this.timer = setInterval(() => {
      void this.backupIfDue().catch((err: Error) => this.opts.log.error('daily backup failed', { err: err.message }));
    }, 3600 * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async backupIfDue(): Promise<BackupInfo | null> {
    const newest = (await this.list())[0];
    if (newest && this.opts.clock.now() - Date.parse(newest.createdAt) < DAY) return null;
    return this.backupNow();
  }

  async backupNow(): Promise<BackupInfo> {
    await this.opts.flush();
    const now = this.opts.clock.now();
    const name = stamp(now);
    const target = path.join(this.opts.backupsDir, name);
    await mkdir(target, { recursive: true, mode: 0o700 });
    let files = 0;
    let bytes = 0;
    for (const file of await jsonFiles(this.opts.dataDir)) {
      await copyFile(path.join(this.opts.dataDir, file), path.join(target, file));
      files += 1;
      bytes += (await stat(path.join(target, file))).size;
    }
    const info: BackupInfo = { name, createdAt: new Date(now).toISOString(), files, bytes };
    await writeFile(path.join(target, 'backup.json'), JSON.stringify(info), { mode: 0o600 });
    await this.prune();
    this.opts.log.info('backup written', { name, files, bytes });
    return info;
  }

  /** Newest first. */
  async list(): Promise<BackupInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.opts.backupsDir);
    } catch {
      return [];
    }
    const out: BackupInfo[] = [];
    for (const n of names) {
      try {
        out.push(JSON.parse(await readFile(path.join(this.opts.backupsDir, n, 'backup.json'), 'utf8')) as BackupInfo);
      } catch {
        // A folder without backup.json is an unfinished backup; it is not listed.
      }
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Drops backups older than the retention, always keeping the newest. */
  private async prune(): Promise<void> {
    const cutoff = this.opts.clock.now() - this.opts.retentionDays() * DAY;
    const all = await this.list();
    for (const b of all.slice(1)) {
      if (Date.parse(b.createdAt) < cutoff) await rm(path.join(this.opts.backupsDir, b.name), { recursive: true, force: true });
    }
  }

  /**
   * Everything the app holds, as JSON (each data file) and CSV (each list inside a data file,
   * one row per record, nested values as JSON text), in a new folder.
   */
  async exportAll(): Promise<ExportResult> {
    await this.opts.flush();
    const folder = path.join(this.opts.exportsDir, `voluntree-export-${stamp(this.opts.clock.now())}`);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const files: string[] = [];
    for (const file of await jsonFiles(this.opts.dataDir)) {
      const text = await readFile(path.join(this.opts.dataDir, file), 'utf8');
      await writeFile(path.join(folder, file), text, { mode: 0o600 });
      files.push(file);
      const data = JSON.parse(text) as unknown;
      for (const [name, rows] of listsIn(data)) {
        const csvName = `${path.basename(file, '.json')}-${name}.csv`;
        await writeFile(path.join(folder, csvName), toCsv(rows), { mode: 0o600 });
        files.push(csvName);
      }
    }
    return { folder, files };
  }
}

async function jsonFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** The arrays of records in a data file: top-level arrays, and arrays or id-maps one level down. */
function listsIn(data: unknown): Array<[string, Record<string, unknown>[]]> {
  const out: Array<[string, Record<string, unknown>[]]> = [];
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(data)) out.push(['all', data.filter(isRecord)]);
  else if (isRecord(data)) {
    for (const [k, v] of Object.entries(data)) {
      if (Array.isArray(v) && v.some(isRecord)) out.push([k, v.filter(isRecord)]);
      else if (isRecord(v) && Object.values(v).length > 0 && Object.values(v).every(isRecord)) {
        out.push([k, Object.values(v) as Record<string, unknown>[]]);
      }
    }
  }
  return out;
}

/** Records as CSV: one column per field any of them has, every cell neutralised (see safeCsv). */
export function toCsv(rows: Record<string, unknown>[]): string {
  return safeCsv([...new Set(rows.flatMap((r) => Object.keys(r)))], rows);
}
