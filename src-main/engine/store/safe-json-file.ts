import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { FileWriter } from './file-writer';

/** Raised (and reported) when a data file on disk cannot be read as JSON. */
export interface CorruptFileReport {
  file: string;
  setAsideAs: string;
  reason: string;
  /** The backup the file was restored from (its name and time), or null when none had a good copy. */
  restoredFrom: { backup: string; createdAt: string } | null;
}

/** Where a damaged file's newest good copy comes from (the backups folder); null when there is none. */
export type RestoreSource = (fileName: string) => Promise<{ text: string; backup: string; createdAt: string } | null>;

/**
 * A lowdb adapter that never leaves a half-written file and never overwrites a damaged one.
 *
 * - write: serialised here (a record file in slices that give the event loop back, see
 *   RecordJson), then written by the FileWriter thread to `<file>.tmp`, fsynced and renamed over
 *   the file (rename is atomic on one filesystem), so a crash leaves either the old or the new
 *   content, never a half file.
 * - read: a file that does not parse is renamed to `<file>.corrupt-<time>` and reported through
 *   `onCorrupt`; the newest backup's good copy replaces it when there is one, else the store
 *   starts from its defaults (never silently destroying data: the damaged file stays aside).
 */
export class SafeJsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly onCorrupt: (report: CorruptFileReport) => void,
    private readonly now: () => number = Date.now,
    private readonly writer: FileWriter = new FileWriter(),
    private readonly serialize: (data: T) => string | Uint8Array | Promise<string | Uint8Array> = (data) => JSON.stringify(data),
    private readonly restore: RestoreSource | null = null,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
      const setAsideAs = `${this.file}.corrupt-${stamp}`;
      await rename(this.file, setAsideAs);
      const copy = this.restore ? await this.restore(path.basename(this.file)).catch(() => null) : null;
      this.onCorrupt({ file: this.file, setAsideAs, reason: (err as Error).message, restoredFrom: copy ? { backup: copy.backup, createdAt: copy.createdAt } : null });
      if (!copy) return null;
      // Written back at once: if nothing changes before the next start, the file must not be
      // missing (that would start from empty). What happened after the backup is rebuilt by the
      // owner of the data (the pipeline from its comments; Redis replays what it still holds).
      await this.writer.write(this.file, copy.text);
      return JSON.parse(copy.text) as T;
    }
  }

  async write(data: T): Promise<void> {
    await this.writer.write(this.file, await this.serialize(data));
  }
}
