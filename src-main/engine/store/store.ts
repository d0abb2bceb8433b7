import path from 'node:path';
import { Low } from 'lowdb';
import type { Logger } from '../log';
import { FileWriter } from './file-writer';
import type { RecordJson } from './record-json';
import { SafeJsonFile, type CorruptFileReport, type RestoreSource } from './safe-json-file';

/**
 * One lowdb file. lowdb rewrites the whole file on each write, so callers batch: mutate
 * `data` for many records, then call `write()` once. Writes are serialised and coalesced:
 * while a write is running, further `write()` calls share a single follow-up write.
 */
export class Collection<T> {
  private running: Promise<void> | null = null;
  private pending: Promise<void> | null = null;
  /** How many times the file was actually written (benchmarks and tests read it). */
  writes = 0;

  constructor(
    readonly name: string,
    private readonly db: Low<T>,
  ) {}

  get data(): T {
    return this.db.data;
  }

  /** Applies `fn` to the data and persists it. */
  async update(fn: (data: T) => void): Promise<void> {
    fn(this.db.data);
    await this.write();
  }

  write(): Promise<void> {
    if (this.pending) return this.pending;
    if (!this.running) {
      this.running = this.doWrite().finally(() => {
        this.running = null;
      });
      return this.running;
    }
    const after = this.running;
    this.pending = after
      .catch(() => undefined)
      .then(() => {
        this.pending = null;
        return this.write();
      });
    return this.pending;
  }

  private async doWrite(): Promise<void> {
    await this.db.write();
    this.writes += 1;
  }
}

/** The store of record: a folder of lowdb JSON files, one per collection. */
export class Store {
  readonly problems: CorruptFileReport[] = [];
  private readonly collections = new Map<string, Collection<unknown>>();
  /** One writer thread for every file of the store. */
  private readonly writer = new FileWriter();

  constructor(
    readonly dir: string,
    private readonly log: Logger,
    /** Where a damaged file is restored from (the backups); none: it is only set aside. */
    private readonly restore: RestoreSource | null = null,
  ) {}

  /** Whether a file was found damaged at start (and restored or not): its owner may have records to rebuild. */
  get damaged(): boolean {
    return this.problems.length > 0;
  }

  /**
   * Opens (once) the collection `<dir>/<name>.json`, starting from `defaults` when absent. With
   * `records`, the file is an id → record map serialised incrementally (see RecordJson). With
   * `idMap`, the data is an id → record map keyed by outside ids (Meta's comment ids, PSIDs):
   * it is held as an object without a prototype, so an id such as `__proto__` or `constructor`
   * is an ordinary key, never the shared Object.prototype or one of its methods.
   */
  async collection<T>(name: string, defaults: () => T, records?: RecordJson, idMap = false): Promise<Collection<T>> {
    const existing = this.collections.get(name);
    if (existing) return existing as Collection<T>;
    const serialize = records ? (data: T) => records.serialize(data as Record<string, unknown>) : undefined;
    const adapter = new SafeJsonFile<T>(path.join(this.dir, `${name}.json`), (report) => {
      this.problems.push(report);
      this.log.error(report.restoredFrom ? 'data file was damaged: set aside and restored from a backup' : 'data file was damaged and has been set aside', { ...report });
    }, Date.now, this.writer, serialize, this.restore);
    const db = new Low<T>(adapter, defaults());
    await db.read();
    if (db.data === null || db.data === undefined) db.data = defaults();
    // Listed once here for both: a large file's key list is itself a long step.
    const ids = records || idMap ? Object.keys(db.data as Record<string, unknown>) : [];
    if (idMap) db.data = withoutPrototype(db.data as Record<string, unknown>, ids) as T;
    records?.openedWith(ids);
    const col = new Collection<T>(name, db);
    this.collections.set(name, col as Collection<unknown>);
    return col;
  }

  /** Waits for every collection's writes in flight. */
  async flush(): Promise<void> {
    await Promise.all([...this.collections.values()].map((c) => c.write()));
  }
}

/**
 * A copy of an id → record map as an object without a prototype. JSON.parse makes `"__proto__"`
 * an own key, and defineProperty keeps it one (plain assignment would set the prototype).
 */
export function withoutPrototype(data: Record<string, unknown>, keys: readonly string[] = Object.keys(data)): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) Object.defineProperty(out, key, { value: data[key], writable: true, enumerable: true, configurable: true });
  return out;
}
