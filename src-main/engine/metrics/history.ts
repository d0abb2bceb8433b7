import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { MetricPoint } from '../../contract/metrics';
import type { Clock } from '../clock';
import type { Logger } from '../log';

/** A point as stored, one JSON array a line: [at, value, 'i' (input) | 'c' (computed)]. */
type StoredPoint = [number, number, 'i' | 'c'];

const DAY_MS = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** The folder (under the data folder) that holds the history, one folder per node. */
export const HISTORY_FOLDER = 'metric-history';
/** The lowdb file of earlier versions (every node's points in one file), migrated once at open. */
const OLD_FILE = 'metric-history.json';
export const DEFAULT_RETENTION_DAYS = 365;

export interface HistoryOptions {
  /** Longest a point waits in memory before it is appended to its file. */
  flushMs?: number;
  /** Points that trigger an append at once. */
  flushAt?: number;
  /** Days of history kept (whole UTC days, older day files are deleted). */
  retentionDays?: number;
}

export interface HistoryQuery {
  /** Most points returned: the last ones without a range; evenly spread ones within a range. */
  limit: number;
  /** Range in epoch milliseconds, both ends included; either may be left out. */
  from?: number;
  to?: number;
}

const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);
const dayStart = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/**
 * The folder name of a node. Ids may hold `:` and `.` (not safe in every file system, and
 * `..` would climb out) and differ only in case (one folder on macOS and Windows), so anything
 * but lower-case letters, digits, `_` and `-` is written `~<hex>`; a long result is cut and
 * made unique by a hash (the id itself is in the folder's `node` file).
 */
export function nodeFolder(node: string): string {
  const safe = [...node].map((c) => (/[a-z0-9_-]/.test(c) ? c : `~${c.charCodeAt(0).toString(16).padStart(2, '0')}`)).join('');
  if (safe.length <= 120) return safe;
  return `${safe.slice(0, 80)}~~${createHash('sha256').update(node).digest('hex').slice(0, 24)}`;
}

/** Keeps `limit` points spread evenly over `points`, the first and the last included. */
function thin<T>(points: T[], limit: number): T[] {
  if (points.length <= limit) return points;
  if (limit <= 0) return [];
  if (limit === 1) return [points.at(-1)!];
  const out: T[] = [];
  for (let i = 0; i < limit; i += 1) out.push(points[Math.round((i * (points.length - 1)) / (limit - 1))]!);
  return out;
}

function isStoredPoint(x: unknown): x is StoredPoint {
  return Array.isArray(x) && x.length === 3 && Number.isFinite(x[0]) && Number.isFinite(x[1]) && (x[2] === 'i' || x[2] === 'c');
}

const toPoint = ([at, value, s]: StoredPoint): MetricPoint => ({ at, value, source: s === 'i' ? 'input' : 'computed' });

/**
 * Every value a node received or computed, with its time: one folder per node under
 * `<data>/metric-history/`, one JSON-lines file per UTC day of the points' times. A flush only
 * appends the new lines (and fsyncs them), so its cost does not grow with the history, unlike
 * the single lowdb file of earlier versions that was rewritten whole on every flush. Points wait
 * in memory for `flushMs` (or until `flushAt` are waiting); day files older than the retention
 * are deleted. A line a crash cut short is skipped (and counted), never making a file unreadable.
 */
/** The points of one day file's text, and how many lines were damaged (a cut last line after a crash). */
export function parseDayFile(text: string): { points: StoredPoint[]; skipped: number } {
  const points: StoredPoint[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let p: unknown;
    try {
      p = JSON.parse(line);
    } catch {
      p = null;
    }
    if (isStoredPoint(p)) points.push(p);
    else skipped += 1;
  }
  return { points, skipped };
}

export class MetricHistory {
  /** Node → its folder name, for every node that has a folder. */
  private readonly folders = new Map<string, string>();
  private readonly pending = new Map<string, StoredPoint[]>();
  private pendingCount = 0;
  /** Day files known to end with a newline (so an append starts a line of its own). */
  private readonly clean = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** File work runs one step at a time, so a read never sees half of an append. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly flushMs: number;
  private readonly flushAt: number;
  private retentionDays: number;
  private prunedDay = '';
  /** Lines found damaged (and skipped) since open. */
  skippedLines = 0;
  /** Day files written (appended to) since open; benchmarks read it. */
  fileWrites = 0;

  private constructor(
    private readonly root: string,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: HistoryOptions,
  ) {
    this.flushMs = opts.flushMs ?? 1000;
    this.flushAt = opts.flushAt ?? 500;
    this.retentionDays = opts.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  /** Opens the history in `dataDir`, migrating the single file of earlier versions once. */
  static async open(dataDir: string, clock: Clock, log: Logger, opts: HistoryOptions = {}): Promise<MetricHistory> {
    const h = new MetricHistory(path.join(dataDir, HISTORY_FOLDER), clock, log, opts);
    await fs.mkdir(h.root, { recursive: true });
    for (const entry of await fs.readdir(h.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const node = await fs.readFile(path.join(h.root, entry.name, 'node'), 'utf8').catch(() => null);
      if (node) h.folders.set(node, entry.name);
    }
    await h.migrate(path.join(dataDir, OLD_FILE));
    await h.run(() => h.prune());
    return h;
  }

  get retention(): number {
    return this.retentionDays;
  }

  /** Changes the days kept; older day files go at once. */
  async setRetention(days: number): Promise<void> {
    this.retentionDays = days;
    this.prunedDay = '';
    await this.run(() => this.prune());
  }

  append(node: string, point: MetricPoint): void {
    let points = this.pending.get(node);
    if (!points) this.pending.set(node, (points = []));
    points.push([point.at, point.value, point.source === 'input' ? 'i' : 'c']);
    this.pendingCount += 1;
    if (this.pendingCount >= this.flushAt) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** A node's points, oldest first: the last `limit`, or up to `limit` within `from`..`to`. */
  async read(node: string, q: HistoryQuery): Promise<MetricPoint[]> {
    return (await this.readMany([node], q))[0]!;
  }

  /** `read` for several nodes in one step. */
  readMany(nodes: readonly string[], q: HistoryQuery): Promise<MetricPoint[][]> {
    return this.run(() => Promise.all(nodes.map((n) => this.readNow(n, q))));
  }

  /** Every node with history (written or waiting). */
  nodes(): string[] {
    return [...new Set([...this.folders.keys(), ...this.pending.keys()])];
  }

  /** Forgets a node's points (its definition was removed). */
  async forget(node: string): Promise<void> {
    const waiting = this.pending.get(node);
    if (waiting) {
      this.pendingCount -= waiting.length;
      this.pending.delete(node);
    }
    await this.run(async () => {
      const folder = this.folders.get(node);
      if (!folder) return;
      this.folders.delete(node);
      await fs.rm(path.join(this.root, folder), { recursive: true, force: true });
    });
  }

  /** Appends the points waiting in memory now. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return this.run(() => this.flushNow());
  }

  private run<T>(step: () => Promise<T>): Promise<T> {
    const next = this.chain.then(step, step);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async flushNow(): Promise<void> {
    await this.prune();
    if (this.pendingCount === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    this.pendingCount = 0;
    for (const [node, points] of batch) {
      try {
        await this.appendNode(node, points);
      } catch (err) {
        // Kept for the next flush rather than lost; the disk may come back (full disk, a
        // removed drive). A day file that did take its lines may then hold them twice.
        this.log.error('could not write metric history', { err, node });
        const again = this.pending.get(node) ?? [];
        this.pending.set(node, [...points, ...again]);
        this.pendingCount += points.length;
      }
    }
  }

  private async appendNode(node: string, points: StoredPoint[]): Promise<void> {
    let folder = this.folders.get(node);
    if (!folder) {
      folder = nodeFolder(node);
      await fs.mkdir(path.join(this.root, folder), { recursive: true });
      await fs.writeFile(path.join(this.root, folder, 'node'), node, { flush: true });
      this.folders.set(node, folder);
    }
    const byDay = new Map<string, string[]>();
    for (const p of points) {
      const day = dayOf(p[0]);
      let lines = byDay.get(day);
      if (!lines) byDay.set(day, (lines = []));
      lines.push(JSON.stringify(p));
    }
    for (const [day, lines] of byDay) {
      const file = path.join(this.root, folder, `${day}.jsonl`);
      const fh = await fs.open(file, 'a+');
      try {
        let text = `${lines.join('\n')}\n`;
        // A crash mid-append can leave a last line without its newline; start on a fresh line
        // so only that one line is lost, not the first one of this append too.
        if (!this.clean.has(file)) {
          const { size } = await fh.stat();
          if (size > 0) {
            const last = Buffer.alloc(1);
            await fh.read(last, 0, 1, size - 1);
            if (last[0] !== 0x0a) text = `\n${text}`;
          }
        }
        await fh.appendFile(text);
        await fh.datasync();
        this.clean.add(file);
        this.fileWrites += 1;
      } finally {
        await fh.close();
      }
    }
  }

  private async dayFiles(folder: string): Promise<string[]> {
    const names = await fs.readdir(path.join(this.root, folder)).catch(() => [] as string[]);
    return names.flatMap((n) => DAY_FILE.exec(n)?.[1] ?? []).sort();
  }

  private async readDay(folder: string, day: string): Promise<StoredPoint[]> {
    const file = path.join(this.root, folder, `${day}.jsonl`);
    const { points: out, skipped } = parseDayFile(await fs.readFile(file, 'utf8').catch(() => ''));
    if (skipped > 0) {
      this.skippedLines += skipped;
      this.log.warn('damaged metric history lines skipped', { file, skipped });
    }
    return out;
  }

  private async readNow(node: string, q: HistoryQuery): Promise<MetricPoint[]> {
    const from = q.from ?? -Infinity;
    const to = q.to ?? Infinity;
    const inRange = (p: StoredPoint) => p[0] >= from && p[0] <= to;
    const ranged = q.from !== undefined || q.to !== undefined;
    const waiting = (this.pending.get(node) ?? []).filter(inRange);
    const folder = this.folders.get(node);
    let points: StoredPoint[] = [];
    if (folder) {
      // Only the files of the days the range touches are read.
      const days = (await this.dayFiles(folder)).filter((d) => dayStart(d) + DAY_MS > from && dayStart(d) <= to);
      if (ranged) {
        for (const d of days) points.push(...(await this.readDay(folder, d)).filter(inRange));
      } else {
        // The last `limit` points: newest days first until there are enough (a day file holds
        // exactly the points of its day, so older days cannot hold newer points).
        const parts: StoredPoint[][] = [];
        let count = waiting.length;
        for (let i = days.length - 1; i >= 0 && count < q.limit; i -= 1) {
          const part = await this.readDay(folder, days[i]!);
          parts.unshift(part);
          count += part.length;
        }
        points = parts.flat();
      }
    }
    points.push(...waiting);
    // Stable: points of one time keep the order they were recorded in.
    points.sort((a, b) => a[0] - b[0]);
    const chosen = ranged ? thin(points, q.limit) : points.slice(Math.max(0, points.length - q.limit));
    return chosen.map(toPoint);
  }

  /** Deletes day files older than the retention (at most once a day, and on a new setting). */
  private async prune(): Promise<void> {
    const today = dayOf(this.clock.now());
    if (today === this.prunedDay) return;
    this.prunedDay = today;
    const oldest = dayOf(dayStart(today) - (this.retentionDays - 1) * DAY_MS);
    for (const [node, folder] of [...this.folders]) {
      const days = await this.dayFiles(folder);
      const old = days.filter((d) => d < oldest);
      for (const d of old) await fs.rm(path.join(this.root, folder, `${d}.jsonl`), { force: true });
      if (old.length > 0 && old.length === days.length && !this.pending.has(node)) {
        this.folders.delete(node);
        await fs.rm(path.join(this.root, folder), { recursive: true, force: true });
      }
    }
  }

  /**
   * Earlier versions kept every node's points in the lowdb file `metric-history.json`. Its
   * points are appended once to the day files, then the file is renamed `.migrated` (kept for
   * the coordinator to delete), so the next start does not add them again.
   */
  private async migrate(file: string): Promise<void> {
    const text = await fs.readFile(file, 'utf8').catch(() => null);
    if (text === null) return;
    let series: { node: string; points: unknown[] }[];
    try {
      const parsed = JSON.parse(text) as { series?: unknown };
      series = Array.isArray(parsed.series) ? (parsed.series as typeof series) : [];
    } catch (err) {
      this.log.error('the old metric history file is unreadable; renamed aside, not migrated', { err, file });
      await fs.rename(file, `${file}.unreadable`);
      return;
    }
    let moved = 0;
    let skipped = 0;
    for (const s of series) {
      if (typeof s?.node !== 'string' || !Array.isArray(s.points)) continue;
      const points = s.points.filter(isStoredPoint);
      skipped += s.points.length - points.length;
      if (points.length === 0) continue;
      await this.run(() => this.appendNode(s.node, points));
      moved += points.length;
    }
    await fs.rename(file, `${file}.migrated`);
    this.log.info('metric history migrated to one file per node and day', { points: moved, skipped });
  }
}
