/**
 * Serialises an id → record map (a collection file) keeping each record's JSON from the last
 * write, so a write re-serialises only the records marked changed since. lowdb rewrites the
 * whole file each time; with thousands of comments a batch of ten used to pay for serialising
 * all of them (a fifth of the app's CPU under a burst of comments).
 *
 * Marking is the caller's duty: `mark(id)` for a record put, changed in place or deleted,
 * `markAll()` when it cannot say which. With VOLUNTREE_STORE_CHECK=1 (the test runs set it)
 * every write is compared with a full serialisation, so a change that was not marked fails the
 * tests instead of silently missing from the file.
 */
export class RecordJson {
  private readonly parts = new Map<string, string>();
  private readonly changed = new Set<string>();
  private all = true;
  private readonly check = process.env.VOLUNTREE_STORE_CHECK === '1';

  /** The record with this id was added, changed or deleted. */
  mark(id: string): void {
    if (!this.all) this.changed.add(id);
  }

  /** Anything may have changed: the next write serialises every record. */
  markAll(): void {
    this.all = true;
    this.changed.clear();
  }

  /** The file's text for `data` (same as JSON.stringify(data) for string-keyed records). */
  serialize(data: Record<string, unknown>): string {
    if (this.all) {
      this.parts.clear();
      for (const id of Object.keys(data)) this.parts.set(id, part(id, data[id]));
      this.all = false;
    } else {
      for (const id of this.changed) {
        if (Object.hasOwn(data, id)) this.parts.set(id, part(id, data[id]));
        else this.parts.delete(id);
      }
    }
    this.changed.clear();
    const text = `{${[...this.parts.values()].join(',')}}`;
    if (this.check) {
      const full = JSON.stringify(data);
      if (full !== text) {
        this.markAll();
        throw new Error('a record was changed without being marked: the file would have missed the change');
      }
    }
    return text;
  }
}

function part(id: string, record: unknown): string {
  return `${JSON.stringify(id)}:${JSON.stringify(record)}`;
}
