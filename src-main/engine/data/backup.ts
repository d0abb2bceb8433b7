import { copyFile, link, mkdir, readdir, rm, stat, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupInfo, ExportResult } from '../../contract/data';
import type { Clock } from '../clock';
import type { Logger } from '../log';
import { HISTORY_FOLDER, parseDayFile } from '../metrics/history';
import { safeCsv } from '../pipeline/roster/csv-safe';
import { checkedJsonSizes } from './json-check';

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
  /** Size cap for all backups together (default DEFAULT_MAX_BACKUP_BYTES). */
  maxBytes?: number;
}

const DAY = 24 * 3600 * 1000;
const HOUR = 3600 * 1000;
/** How often the schedule looks whether a backup is due. */
const CHECK_EVERY_MS = 5 * 60 * 1000;
/** The newest backups kept whatever their age (about a day of hourly ones). */
const KEEP_RECENT = 24;
/** All backups together stay under this; the oldest go first (the newest three always stay). */
export const DEFAULT_MAX_BACKUP_BYTES = 2 * 1024 ** 3;

function stamp(t: number): string {
  return new Date(t).toISOString().replace(/[:.]/g, '-').replace('Z', '');
}

/**
 * Copies of the data folder, taken when the data changed: at once when it has grown to twice
 * what the newest backup holds (the first batch of a day's signups after a backup of an almost
 * empty folder is the case that lost data before), else hourly while it keeps changing, and at
 * least daily. Each copy is read back and parsed before it counts. Kept: the newest one always,
 * the newest 24 and the newest of each day within the retention period, all under a size cap. Backups hold the lowdb files
 * and the metric history folder (see copyHistory): secrets stay in their own protected file and
 * are never copied, so a backup handed to someone else leaks no token. Exports of everything
 * (JSON + CSV) live here too.
 */
export class BackupService {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: BackupOptions) {}

  /** Backs up now if due, then looks again every few minutes. */
  async start(): Promise<void> {
    await this.backupIfDue().catch((err: Error) => this.opts.log.error('backup failed', { err: err.message }));
    this.timer = setInterval(() => {
      void this.backupIfDue().catch((err: Error) => this.opts.log.error('backup failed', { err: err.message }));
    }, CHECK_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Backs up when the data changed since the newest backup and one of the rules above says so. */
  async backupIfDue(): Promise<BackupInfo | null> {
    const newest = (await this.list())[0];
    if (!newest) return this.backupNow();
    const age = this.opts.clock.now() - Date.parse(newest.createdAt);
    const data = await folderState(this.opts.dataDir);
    // File times against file times: the copy's record of the newest change it holds.
    const changed = data.newestChange > (newest.dataChangedAt ?? Date.parse(newest.createdAt));
    if (!changed) return age >= DAY && data.bytes > 0 ? this.backupNow() : null;
    if (data.bytes >= 2 * Math.max(newest.bytes, 1024) || age >= HOUR) return this.backupNow();
    return null;
  }

  async backupNow(): Promise<BackupInfo> {
    await this.opts.flush();
    const now = this.opts.clock.now();
    const name = stamp(now);
    const target = path.join(this.opts.backupsDir, name);
    await mkdir(target, { recursive: true, mode: 0o700 });
    const before = await folderState(this.opts.dataDir);
    const previous = (await this.list())[0];
    let files = 0;
    let bytes = 0;
    try {
      const copies: string[] = [];
      for (const file of await jsonFiles(this.opts.dataDir)) {
        const to = path.join(target, file);
        await copyFile(path.join(this.opts.dataDir, file), to);
        copies.push(to);
      }
      // Read back: a copy that does not parse (a disk error, a file written during the copy)
      // would be found out only on the day it is needed. Parsed off the main thread.
      for (const size of await checkedJsonSizes(copies)) {
        files += 1;
        bytes += size;
      }
      const history = await copyHistory(path.join(this.opts.dataDir, HISTORY_FOLDER), path.join(target, HISTORY_FOLDER), previous ? path.join(this.opts.backupsDir, previous.name, HISTORY_FOLDER) : null);
      files += history.files;
      bytes += history.bytes;
    } catch (err) {
      await rm(target, { recursive: true, force: true });
      throw new Error(`the backup could not be checked (${(err as Error).message}); it was removed and the next one is tried soon`);
    }
    const info: BackupInfo = { name, createdAt: new Date(now).toISOString(), files, bytes, dataChangedAt: before.newestChange };
    // Written last: a folder without backup.json is an unfinished backup and is never used.
    await writeFile(path.join(target, 'backup.json'), JSON.stringify(info), { mode: 0o600 });
    await this.prune();
    this.opts.log.info('backup written', { name, files, bytes });
    return info;
  }

  /** Newest first. */
  list(): Promise<BackupInfo[]> {
    return listBackups(this.opts.backupsDir);
  }

  /** The generations to keep (see the class comment); the rest are removed. */
  private async prune(): Promise<void> {
    const cutoff = this.opts.clock.now() - this.opts.retentionDays() * DAY;
    const all = await this.list();
    // The newest always (data is never without a backup), the newest 24 within the retention
    // period (the hourly ones of the last day), and the newest of each day within it.
    const keep = new Set(all.slice(0, 1).map((b) => b.name));
    for (const b of all.slice(0, KEEP_RECENT)) if (Date.parse(b.createdAt) >= cutoff) keep.add(b.name);
    const days = new Set<string>();
    for (const b of all) {
      const day = b.createdAt.slice(0, 10);
      if (Date.parse(b.createdAt) >= cutoff && !days.has(day)) keep.add(b.name);
      days.add(day);
    }
    let total = 0;
    const maxBytes = this.opts.maxBytes ?? DEFAULT_MAX_BACKUP_BYTES;
    for (const [i, b] of all.entries()) {
      const kept = keep.has(b.name) && (i < 3 || total + b.bytes <= maxBytes);
      if (kept) total += b.bytes;
      else await rm(path.join(this.opts.backupsDir, b.name), { recursive: true, force: true });
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
    if (await exportHistory(path.join(this.opts.dataDir, HISTORY_FOLDER), path.join(folder, HISTORY_CSV))) files.push(HISTORY_CSV);
    return { folder, files };
  }
}

/** The metric history in an export: one row per point of every node. */
export const HISTORY_CSV = 'metric-history.csv';

/**
 * Writes the metric history (one folder per node, one JSON-lines day file each) as one CSV:
 * node id, time (ISO, UTC), value, and whether the point was an input or computed. Written a
 * node at a time, so a long history is never held whole. A line that does not parse (the last
 * one of a day file cut short by a crash) is left out, as the history itself leaves it out.
 * Returns whether there was any history to write.
 */
async function exportHistory(root: string, file: string): Promise<boolean> {
  const nodes = await readdir(root, { withFileTypes: true }).catch(() => []);
  const columns = ['node', 'time', 'value', 'kind'];
  let wrote = false;
  for (const d of nodes.filter((n) => n.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const node = await readFile(path.join(root, d.name, 'node'), 'utf8').catch(() => null);
    if (node === null) continue;
    const days = (await readdir(path.join(root, d.name)).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl')).sort();
    const rows: Record<string, unknown>[] = [];
    for (const day of days) {
      for (const [at, value, kind] of parseDayFile(await readFile(path.join(root, d.name, day), 'utf8')).points) {
        rows.push({ node, time: new Date(at).toISOString(), value, kind: kind === 'i' ? 'input' : 'computed' });
      }
    }
    if (rows.length === 0) continue;
    const csv = safeCsv(columns, rows);
    await writeFile(file, wrote ? csv.slice(csv.indexOf('\r\n')) : csv, { flag: wrote ? 'a' : 'w', mode: 0o600 });
    wrote = true;
  }
  return wrote;
}

/** The data files' total size and newest change, the metric history's day files included. */
async function folderState(dir: string): Promise<{ bytes: number; newestChange: number }> {
  let bytes = 0;
  let newestChange = 0;
  const history = path.join(dir, HISTORY_FOLDER);
  const files = [...(await jsonFiles(dir)).map((f) => path.join(dir, f)), ...(await historyFiles(history)).map((f) => path.join(history, f))];
  for (const f of files) {
    const st = await stat(f).catch(() => null);
    if (!st) continue;
    bytes += st.size;
    newestChange = Math.max(newestChange, st.mtimeMs);
  }
  return { bytes, newestChange };
}

/** The metric history's files, as `<node folder>/<file>` (none when there is no history yet). */
async function historyFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const folders = await readdir(root, { withFileTypes: true }).catch(() => []);
  for (const d of folders) {
    if (!d.isDirectory()) continue;
    for (const f of await readdir(path.join(root, d.name)).catch(() => [] as string[])) out.push(path.join(d.name, f));
  }
  return out.sort();
}

/**
 * Copies the metric history (one folder per node, one JSON-lines file per day) into a backup.
 * Day files only ever grow (the history appends, and deletes whole files past its retention),
 * so one with the size of the previous backup's copy and no change since that copy was written
 * is the same file: it is hard-linked to that copy instead of copied again, and an hourly backup
 * costs what changed, not the whole history. The link is to the earlier backup's copy, never to
 * the live file, so a later append cannot reach into a backup. A copy may end inside a line the
 * history was appending meanwhile; the history skips such a line on reading, as it skips a line
 * a crash cut short. Sizes count in full, linked or not, so the size cap errs towards keeping fewer backups.
 */
async function copyHistory(from: string, to: string, previous: string | null): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const rel of await historyFiles(from)) {
    const src = path.join(from, rel);
    const dst = path.join(to, rel);
    const st = await stat(src).catch(() => null);
    // Deleted by the history's retention since it was listed: nothing to keep.
    if (!st) continue;
    await mkdir(path.dirname(dst), { recursive: true, mode: 0o700 });
    const prev = previous ? await stat(path.join(previous, rel)).catch(() => null) : null;
    // A folder on a drive without hard links (FAT, exFAT) gets a plain copy instead.
    const linked = prev && prev.size === st.size && st.mtimeMs < prev.mtimeMs ? await link(path.join(previous!, rel), dst).then(() => true, () => false) : false;
    if (linked) bytes += st.size;
    else {
      const copied = await copyFile(src, dst).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      if (!copied) continue;
      // Read back against the live file, which can only have grown since: the copy must be
      // its beginning. Lines are not parsed: a line a crash once cut short stays in a day file
      // (the history skips it), and must not make every later backup fail.
      const copy = await readFile(dst);
      const live = await readFile(src).catch(() => null);
      if (live && !live.subarray(0, copy.length).equals(copy)) throw new Error(`the copy of ${HISTORY_FOLDER}/${rel} differs from the file`);
      bytes += copy.length;
    }
    files += 1;
  }
  return { files, bytes };
}

/**
 * The newest backup's copy of one data file that parses, for a file found damaged at start
 * (newest first; a backup whose copy is damaged too is passed over). Null when there is none.
 */
/** The finished backups in a folder, newest first. */
async function listBackups(backupsDir: string): Promise<BackupInfo[]> {
  let names: string[];
  try {
    names = await readdir(backupsDir);
  } catch {
    return [];
  }
  const out: BackupInfo[] = [];
  for (const n of names) {
    try {
      out.push(JSON.parse(await readFile(path.join(backupsDir, n, 'backup.json'), 'utf8')) as BackupInfo);
    } catch {
      // A folder without backup.json is an unfinished backup; it is not listed.
    }
  }
  return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function newestGoodCopy(backupsDir: string, file: string): Promise<{ text: string; backup: string; createdAt: string } | null> {
  for (const b of await listBackups(backupsDir)) {
    try {
      const text = await readFile(path.join(backupsDir, b.name, file), 'utf8');
      JSON.parse(text);
      return { text, backup: b.name, createdAt: b.createdAt };
    } catch {
      // not in this backup, or damaged there too: try an older one
    }
  }
  return null;
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
