import { readFile, rename } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { FileWriter } from './file-writer';

/** Raised (and reported) when a data file on disk cannot be read as JSON. */
export interface CorruptFileReport {
  file: string;
  setAsideAs: string;
  reason: string;
}

/**
 * A lowdb adapter that never leaves a half-written file and never overwrites a damaged one.
 *
 * - write: serialised here, at once (so the file holds the data as it was when the write was
 *   asked for), then written by the FileWriter thread to `<file>.tmp`, fsynced and renamed over
 *   the file (rename is atomic on one filesystem), so a crash leaves either the old or the new
 *   content.
 * - read: a file that does not parse is renamed to `<file>.corrupt-<time>` and reported through
 *   `onCorrupt`; the store then starts from its defaults instead of silently destroying data.
 */
export class SafeJsonFile<T> implements Adapter<T> {
  constructor(
    readonly file: string,
    private readonly onCorrupt: (report: CorruptFileReport) => void,
    private readonly now: () => number = Date.now,
    private readonly writer: FileWriter = new FileWriter(),
    private readonly serialize: (data: T) => string | Uint8Array = (data) => JSON.stringify(data),
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
      this.onCorrupt({ file: this.file, setAsideAs, reason: (err as Error).message });
      return null;
    }
  }

  async write(data: T): Promise<void> {
    await this.writer.write(this.file, this.serialize(data));
  }
}
