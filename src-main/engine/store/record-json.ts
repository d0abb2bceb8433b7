/**
 * Serialises an id → record map (a collection file) keeping each record's JSON from the last
 * write, so a write re-serialises only the records marked changed since, and encodes the parts
 * straight into the file's buffer. lowdb rewrites the whole file each time; with thousands of
 * comments a batch of ten used to pay for serialising all of them (a fifth of the app's CPU
 * under a burst of comments).
 *
 * Marking is the caller's duty: `mark(id)` for a record put, changed in place or deleted,
 * `markAll()` when it cannot say which. With VOLUNTREE_STORE_CHECK=1 (the test runs set it)
 * every write is compared with a full serialisation, so a change that was not marked fails the
 * tests instead of silently missing from the file.
 */
export class RecordJson {
  private readonly parts = new Map<string, { json: string; bytes: number }>();
  private readonly changed = new Set<string>();
  private all = true;
  private built = false;
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

  /** The file's content for `data`: JSON.stringify(data), as text or as its UTF-8 bytes. */
  serialize(data: Record<string, unknown>): string | Uint8Array {
    if (this.all) {
      // One plain serialisation is cheaper than building every record's part (a 100,000-person
      // roster: ~0.2 s against ~0.4 s); the parts are built when a write first needs them.
      this.all = false;
      this.built = false;
      this.changed.clear();
      return JSON.stringify(data);
    }
    if (!this.built) {
      this.parts.clear();
      for (const id of Object.keys(data)) this.parts.set(id, part(id, data[id]));
      this.built = true;
    } else {
      for (const id of this.changed) {
        if (Object.hasOwn(data, id)) this.parts.set(id, part(id, data[id]));
        else this.parts.delete(id);
      }
    }
    this.changed.clear();
    let size = 2 + Math.max(0, this.parts.size - 1);
    for (const p of this.parts.values()) size += p.bytes;
    // A buffer of its own (not from Node's shared pool): the file writer moves it to its thread.
    const out = Buffer.allocUnsafeSlow(size);
    out[0] = OPEN;
    let at = 1;
    let first = true;
    for (const p of this.parts.values()) {
      if (!first) out[at++] = COMMA;
      first = false;
      at += out.write(p.json, at);
    }
    out[at] = CLOSE;
    if (this.check && !Buffer.from(JSON.stringify(data)).equals(out)) {
      this.markAll();
      throw new Error('a record was changed without being marked: the file would have missed the change');
    }
    return out;
  }
}

const OPEN = 0x7b;
const COMMA = 0x2c;
const CLOSE = 0x7d;

function part(id: string, record: unknown): { json: string; bytes: number } {
  // A key that is not a string would be written bare (`undefined:{…}`): the whole file would no
  // longer parse and be set aside at the next start. Refuse the write instead.
  if (typeof id !== 'string') throw new Error(`a record key must be a string (got ${typeof id})`);
  const json = `${JSON.stringify(id)}:${JSON.stringify(record)}`;
  return { json, bytes: Buffer.byteLength(json) };
}
