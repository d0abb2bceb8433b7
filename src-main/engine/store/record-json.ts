import { slicer } from './slicer';

interface Part {
  json: string;
  bytes: number;
}

/** Records handled between two looks at the clock (a look per record would cost more than the work). */
const STRIDE = 256;

/**
 * Serialises an id → record map (a collection file) keeping each record's JSON from the last
 * write, so a write re-serialises only the records marked changed since, and encodes the parts
 * straight into the file's buffer. lowdb rewrites the whole file each time; with thousands of
 * comments a batch of ten used to pay for serialising all of them (a fifth of the app's CPU
 * under a burst of comments).
 *
 * The work is done in slices that give the event loop back every couple of milliseconds: one
 * pass over a 10 MB roster (88,000 volunteers) held the loop for ~300 ms, and `/healthz`, the
 * live updates and every RPC waited behind it. A record changed while a write is under way may
 * go into that write in its new state; it is marked, so the next write has it too. Each record
 * is serialised whole in one step, so the file always parses.
 *
 * Marking is the caller's duty, from the moment the file is opened: `mark(id)` for a record
 * put, changed in place or deleted, `markAll()` when it cannot say which. With VOLUNTREE_STORE_CHECK=1 (the test runs set it)
 * every write is compared, record by record and in order, with what a full serialisation would
 * write, so a change that was not marked fails the tests instead of silently missing from the
 * file.
 */
export class RecordJson {
  private readonly parts = new Map<string, Part>();
  private changed = new Set<string>();
  private all = true;
  /** The ids the file held when it was opened, in its order, whose parts are still to be built. */
  private opened: string[] | null = null;
  private running = false;
  private readonly check = process.env.VOLUNTREE_STORE_CHECK === '1';

  /** The record with this id was added, changed or deleted. */
  mark(id: string): void {
    if (!this.all) this.changed.add(id);
  }

  /** Anything may have changed: the next write serialises every record. */
  markAll(): void {
    this.all = true;
    this.opened = null;
    this.changed.clear();
  }

  /**
   * The file was just read and holds these ids, in this order (the store lists them anyway as it
   * copies the data). With them the first write needs no list of the data's keys: for a roster of
   * 100,000 that list alone took ~40 ms in one go, and marks made from here on are kept.
   */
  openedWith(ids: string[]): void {
    this.all = false;
    this.opened = ids;
    this.changed.clear();
  }

  /**
   * The file's content for `data`: the UTF-8 bytes of JSON.stringify(data), in a buffer of its
   * own (not Node's shared pool), so the file writer can move it to its thread without a copy.
   * One at a time: the store's collections never start a write before the last one ended.
   */
  async serialize(data: Record<string, unknown>, sliceMs = 2): Promise<Uint8Array> {
    if (this.running) throw new Error('a collection file is already being serialised');
    this.running = true;
    try {
      const turn = slicer(sliceMs);
      await this.update(data, turn);
      // Only this write changes the parts, so they can be walked across its pauses.
      const out = await assemble(this.parts, turn);
      if (this.check) await this.verify(data, turn);
      return out;
    } catch (err) {
      // Parts may be half updated: the next write starts again from the data itself.
      this.markAll();
      throw err;
    } finally {
      this.running = false;
    }
  }

  /** Brings the parts up to date with `data`: every record after markAll, else the marked ones. */
  private async update(data: Record<string, unknown>, turn: () => Promise<void>): Promise<void> {
    const everything = this.all;
    // Taken now: what is marked from here on (while this write yields) is for the next write.
    const lists: Iterable<string>[] = everything ? [Object.keys(data)] : [this.opened ?? [], this.changed];
    this.all = false;
    this.opened = null;
    this.changed = new Set();
    if (everything) this.parts.clear();
    let n = 0;
    for (const ids of lists) {
      for (const id of ids) {
        if (n++ % STRIDE === 0) await turn();
        if (Object.hasOwn(data, id)) this.parts.set(id, part(id, data[id]));
        else this.parts.delete(id);
      }
    }
  }

  /**
   * Compares the parts just written with a fresh serialisation of the data, in the data's key
   * order, skipping what was marked since the write began (it is for the next write, and may
   * rightly differ): any other difference is a change that was never marked. The data's key list
   * is itself one long step for a large file, so above CHECK_ORDER_MAX records only each part is
   * compared with its record (every unit test is below it; the load tests are above).
   */
  private async verify(data: Record<string, unknown>, turn: () => Promise<void>): Promise<void> {
    const entries = this.parts.entries();
    if (this.parts.size > CHECK_ORDER_MAX) {
      let n = 0;
      for (const [id, written] of entries) {
        if (n++ % STRIDE === 0) await turn();
        if (this.all) return;
        if (this.changed.has(id)) continue;
        if (!Object.hasOwn(data, id) || part(id, data[id]).json !== written.json) throw unmarked(id);
      }
      return;
    }
    const list = [...entries];
    const keys = Object.keys(data);
    const since = (id: string): boolean => this.changed.has(id);
    let i = 0;
    let j = 0;
    for (let n = 0; ; n += 1) {
      if (n % STRIDE === 0) await turn();
      // markAll since: the next write rewrites everything, nothing here can be told apart.
      if (this.all) return;
      while (i < keys.length && since(keys[i]!)) i += 1;
      while (j < list.length && since(list[j]![0])) j += 1;
      if (i === keys.length && j === list.length) return;
      const id = keys[i];
      const written = list[j];
      if (id === undefined || written === undefined || id !== written[0] || !Object.hasOwn(data, id) || part(id, data[id]).json !== written[1].json) {
        throw unmarked(id ?? written?.[0]);
      }
      i += 1;
      j += 1;
    }
  }
}

/** Up to this many records the check also compares the set and order of ids (see verify). */
const CHECK_ORDER_MAX = 10_000;

function unmarked(id: string | undefined): Error {
  return new Error(`a record was changed without being marked (${JSON.stringify(id)}): the file would have missed the change`);
}

const OPEN = 0x7b;
const COMMA = 0x2c;
const CLOSE = 0x7d;

/** `{` + the parts joined by commas + `}`, encoded into one buffer a slice at a time. */
async function assemble(parts: Map<string, Part>, turn: () => Promise<void>): Promise<Uint8Array> {
  let size = 2 + Math.max(0, parts.size - 1);
  for (const p of parts.values()) size += p.bytes;
  const out = Buffer.allocUnsafeSlow(size);
  out[0] = OPEN;
  let at = 1;
  let i = 0;
  for (const p of parts.values()) {
    if (i % STRIDE === 0) await turn();
    if (i++ > 0) out[at++] = COMMA;
    at += out.write(p.json, at);
  }
  out[at] = CLOSE;
  return out;
}

function part(id: string, record: unknown): Part {
  // A key that is not a string would be written bare (`undefined:{…}`): the whole file would no
  // longer parse and be set aside at the next start. Refuse the write instead.
  if (typeof id !== 'string') throw new Error(`a record key must be a string (got ${typeof id})`);
  const json = `${JSON.stringify(id)}:${JSON.stringify(record)}`;
  return { json, bytes: Buffer.byteLength(json) };
}
