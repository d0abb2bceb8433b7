import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Gears } from '../gears/loader';
import type { Logger } from '../log';
import { createClient, type RedisEndpoint } from '../redis/endpoint';
import { isRedisUnavailable } from '../redis/errors';

/** One entry handed to `handle`: its stream id, the parsed payload, and how often it was delivered. */
export interface StreamEntry<T> {
  id: string;
  value: T;
  /** 1 on first delivery; more when it was reclaimed, or retried after failing on its own. */
  deliveries: number;
}

/** What the dead-letter stream holds for each entry moved there (JSON in field `p`). */
export interface DeadLetterRecord {
  source: string;
  group: string;
  id: string;
  reason: string;
  deliveries: number;
  /** The entry's raw `p` field as it was (null when the entry had none). */
  payload: string | null;
  at: number;
}

export interface StreamConsumerStats {
  /** Entries in the stream (not yet acknowledged and deleted). */
  length: number;
  /** Entries delivered to a consumer of this group and not acknowledged yet. */
  pending: number;
  /** Entries not yet delivered to the group at all (null when Redis cannot tell). */
  lag: number | null;
  /** Counters since this consumer started. */
  handled: number;
  batches: number;
  failedBatches: number;
  deadLettered: number;
  reclaimed: number;
  /** Handler calls that failed because Redis was unreachable (retried without counting). */
  unavailable: number;
  /** Entries that failed on their own and wait for their next try. */
  held: number;
}

export interface StreamConsumerOptions<T> {
  /** The shared command client (group creation, claims, stats). */
  redis: Redis;
  /** Where Redis is: the consumer opens its own blocking client for XREADGROUP. */
  endpoint: RedisEndpoint;
  gears: Gears;
  log: Logger;
  stream: string;
  group: string;
  /** Where entries that cannot be processed go (`keys.streamDead`). */
  deadStream: string;
  /** Validates each entry's JSON field `p`. */
  schema: z.ZodType<T>;
  /**
   * Processes a batch. It must commit its output through a Redis Function that acknowledges
   * (XACK) the batch's ids in the same step; see the note on `StreamConsumer`. Throwing leaves
   * the batch pending. When Redis was unreachable (see `isRedisUnavailable`) the same batch is
   * tried again after a pause, without counting; otherwise the batch is split to find the
   * entries that fail on their own, and only those are retried and, after `maxDeliveries`,
   * dead-lettered. So `handle` may see an entry more than once: it must be idempotent, which
   * the commit-with-XACK rule already gives.
   */
  handle(batch: StreamEntry<T>[], consumer: StreamConsumer<T>): Promise<void>;
  /** This consumer's name in the group; unique per process by default. */
  consumer?: string;
  /** Most entries per batch (whatever is waiting, up to this). Default 256. */
  batchSize?: number;
  /** How long one XREADGROUP waits for new entries. Default 1000 ms. */
  blockMs?: number;
  /** Entries pending longer than this belong to a dead or stuck consumer and are claimed. Default 30 s. */
  claimIdleMs?: number;
  /** How often to look for such entries. Default 5 s. */
  claimEveryMs?: number;
  /** Times an entry may fail on its own (or be delivered) before it is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Pause after a failed batch before retrying; doubled (up to 10 s) while Redis stays unreachable. Default 500 ms. */
  retryDelayMs?: number;
  /** Approximate cap of the dead-letter stream. Default 10,000. */
  deadMaxLen?: number;
  /**
   * After a full batch, read the next one before handling this one, so Redis serves the read
   * while this batch is parsed, handled and committed (its entries just stay pending meanwhile).
   * For stages whose commit is idempotent per entry and that tolerate entries pending a little
   * longer; not for the recorder, which claims every pending entry it sees. Default false.
   */
  readAhead?: boolean;
}

type RawEntry = [id: string, fields: string[] | null];
type DeadEntry = { id: string; reason: string; deliveries: number; payload: string | null };

type Attempt = { ok: true } | { ok: false; error: unknown } | { ok: 'abandoned' };

const MAX_BACKOFF_MS = 10_000;

function messageOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

/** A consumer name unique to this process (host, pid and a random suffix). */
export function uniqueConsumerName(role: string): string {
  return `${role}:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * A batch consumer of one Redis stream through a consumer group, shared by every stage of the
 * pipeline (preprocess, classifier gear, recorder).
 *
 * It reads whatever is waiting (up to `batchSize`) with XREADGROUP on a dedicated blocking
 * client, parses each entry's `p` field with the schema, and hands the batch to `handle`.
 * Entries another consumer left pending too long (it died mid-batch) are taken over with
 * XAUTOCLAIM. An entry that is malformed, or that has been delivered `maxDeliveries` times
 * without being acknowledged, is moved to the dead-letter stream (one Function call) so it can
 * neither block a batch nor loop forever.
 *
 * Failures are judged per entry, not per batch. When `handle` throws because Redis could not be
 * reached, nothing is counted: the consumer backs off and tries the same batch again. Any other
 * failure splits the batch in halves, recursively, until the entries that fail on their own are
 * found; the rest are handled at once. Only such a lone failure counts as a failed delivery
 * (recorded in Redis with XCLAIM RETRYCOUNT, so it survives a restart), the entry is retried
 * before new entries are read, and after `maxDeliveries` lone failures it is dead-lettered with
 * the handler's error as the reason. One bad comment thus costs about 2·log2(batch) extra
 * handler calls, and never takes good comments with it.
 *
 * The consumer never acknowledges a successful entry itself: `handle` commits through a Redis
 * Function that writes the output AND acknowledges the input in one atomic step. Were they two
 * steps, a crash between them would either lose the entry (acked, output never written) or
 * write it twice (output written, entry reclaimed and processed again). Because the Function
 * only writes output for ids whose XACK returned 1, a slow worker whose entries were reclaimed
 * and committed by another worker writes nothing: every entry's output appears exactly once.
 */
export class StreamConsumer<T> {
  readonly stream: string;
  readonly group: string;
  readonly name: string;
  private readonly batchSize: number;
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly claimEveryMs: number;
  private readonly maxDeliveries: number;
  private readonly retryDelayMs: number;
  private readonly deadMaxLen: number;
  private blocking: Redis | null = null;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private waiting = false;
  /** Entries that failed on their own, in stream order, with their failed-delivery count so far. */
  private held: StreamEntry<T>[] = [];
  /** The raw `p` fields of held entries, for their dead-letter records. */
  private readonly heldPayloads = new Map<string, string>();
  /**
   * The current run of failed rounds: how many, and whether any entry succeeded meanwhile. With
   * no success at all the cause is more likely around the handler than in the entries (a disk
   * not writable for a few seconds), so the pause between rounds doubles.
   */
  private streak = { rounds: 0, sawSuccess: false };
  private lastClaim = 0;
  private wake: (() => void) | null = null;
  /** The next batch, read while the current one is handled (readAhead). */
  private ahead: Promise<RawEntry[]> | null = null;
  private readonly counters = { handled: 0, batches: 0, failedBatches: 0, deadLettered: 0, reclaimed: 0, unavailable: 0 };

  constructor(private readonly opts: StreamConsumerOptions<T>) {
    this.stream = opts.stream;
    this.group = opts.group;
    this.name = opts.consumer ?? uniqueConsumerName(opts.group);
    this.batchSize = opts.batchSize ?? 256;
    this.blockMs = opts.blockMs ?? 1000;
    this.claimIdleMs = opts.claimIdleMs ?? 30_000;
    this.claimEveryMs = opts.claimEveryMs ?? 5_000;
    this.maxDeliveries = opts.maxDeliveries ?? 5;
    this.retryDelayMs = opts.retryDelayMs ?? 500;
    this.deadMaxLen = opts.deadMaxLen ?? 10_000;
  }

  /** True once `stop` was called: a `handle` that waits on something can give up. */
  get stopRequested(): boolean {
    return this.stopping;
  }

  /** Creates the group (and the stream) if missing. Safe to call from every worker. */
  async ensureGroup(): Promise<void> {
    try {
      await this.opts.redis.call('XGROUP', 'CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
  }

  /** Creates the group and starts consuming in the background. */
  async start(): Promise<void> {
    if (this.loop) return;
    await this.ensureGroup();
    this.stopping = false;
    this.blocking = createClient(this.opts.endpoint, 'blocking', `vt-${this.group}`);
    this.loop = this.run().catch((err: unknown) => {
      this.opts.log.error('stream consumer stopped unexpectedly', { stream: this.stream, group: this.group, err });
    });
  }

  /**
   * Stops reading, finishes the batch in hand and any batch read ahead, and closes the blocking
   * client. Entries read but not yet handled when the read is cut short, and entries held for a
   * retry, stay pending and are reclaimed by a live worker.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.waiting) this.blocking?.disconnect();
    await this.loop;
    this.loop = null;
    // A batch read ahead is this consumer's: finish it rather than leave it to be reclaimed.
    const ahead = await this.takeAhead();
    if (ahead.length > 0) await this.process(ahead, null).catch((err: unknown) => this.opts.log.warn('batch read ahead not finished; it stays pending', { stream: this.stream, group: this.group, err: messageOf(err) }));
    this.blocking?.disconnect();
    this.blocking = null;
  }

  /**
   * Reads and handles at most one batch (claims first when due). Returns how many entries were
   * handed to `handle` or dead-lettered. Used by the loop, and by tests and benchmarks that
   * drive a consumer step by step.
   */
  async step(block = true): Promise<number> {
    if (this.held.length > 0) return this.retryHeld();
    const now = Date.now();
    let raw: RawEntry[] = [];
    let fresh = false;
    if (now - this.lastClaim >= this.claimEveryMs) {
      this.lastClaim = now;
      // A batch read ahead is already this consumer's; XAUTOCLAIM must not hand it over twice.
      const mine = this.ahead ? await this.ahead : [];
      if (this.ahead) this.ahead = Promise.resolve(mine);
      raw = await this.claimIdle(new Set(mine.map((e) => e[0])));
    }
    if (raw.length === 0) {
      raw = this.ahead ? await this.takeAhead() : await this.readNew(block);
      fresh = true;
    }
    if (raw.length === 0) return 0;
    if (fresh && this.opts.readAhead && raw.length >= this.batchSize && !this.stopping) this.ahead = this.readAheadNow();
    const deliveries = fresh ? null : await this.deliveryCounts(raw);
    return this.process(raw, deliveries);
  }

  /** Counts for health: stream length, pending in this group, and entries not yet delivered. */
  async stats(): Promise<StreamConsumerStats> {
    const r = this.opts.redis;
    const [length, pendingReply, groups] = await Promise.all([
      r.xlen(this.stream),
      r.call('XPENDING', this.stream, this.group).catch(() => null),
      r.call('XINFO', 'GROUPS', this.stream).catch(() => []),
    ]);
    const pending = Array.isArray(pendingReply) ? Number(pendingReply[0] ?? 0) : 0;
    let lag: number | null = null;
    for (const g of groups as unknown[][]) {
      const info = pairs(g);
      if (info.get('name') === this.group) {
        const l = info.get('lag');
        lag = l === null || l === undefined ? null : Number(l);
      }
    }
    return { length, pending, lag, ...this.counters, held: this.held.length };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.step(true);
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        failures += 1;
        this.opts.log.warn('stream consumer read failed; retrying', { stream: this.stream, group: this.group, err });
        await this.pause(Math.min(this.retryDelayMs * 2 ** Math.min(failures, 5), MAX_BACKOFF_MS));
      }
    }
  }

  private async readNew(block: boolean): Promise<RawEntry[]> {
    const client = block ? this.blocking ?? this.opts.redis : this.opts.redis;
    const args: (string | number)[] = ['GROUP', this.group, this.name, 'COUNT', this.batchSize];
    if (block) args.push('BLOCK', this.blockMs);
    args.push('STREAMS', this.stream, '>');
    this.waiting = block;
    try {
      return entriesOf(await client.call('XREADGROUP', ...args));
    } finally {
      this.waiting = false;
    }
  }

  /** A non-blocking read of the next batch on the dedicated client (it is not waiting now). */
  private readAheadNow(): Promise<RawEntry[]> {
    const client = this.blocking ?? this.opts.redis;
    return client
      .call('XREADGROUP', 'GROUP', this.group, this.name, 'COUNT', this.batchSize, 'STREAMS', this.stream, '>')
      .then(entriesOf)
      .catch((err: unknown) => {
        // Whatever Redis delivered stays pending and is reclaimed after claimIdleMs.
        this.opts.log.warn('reading the next batch ahead failed', { stream: this.stream, group: this.group, err: messageOf(err) });
        return [];
      });
  }

  private async takeAhead(): Promise<RawEntry[]> {
    const ahead = this.ahead;
    this.ahead = null;
    return ahead ? ahead : [];
  }

  /** Takes over entries idle longer than claimIdleMs, whoever holds them (XAUTOCLAIM). */
  private async claimIdle(mine: ReadonlySet<string>): Promise<RawEntry[]> {
    const out: RawEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = (await this.opts.redis.call(
        'XAUTOCLAIM', this.stream, this.group, this.name, this.claimIdleMs, cursor, 'COUNT', this.batchSize - out.length,
      )) as [string, RawEntry[], string[]?];
      cursor = reply[0];
      // Redis 7 drops ids of entries deleted from the stream from the PEL itself (3rd element).
      for (const e of reply[1]) if (e && !mine.has(e[0])) out.push(e);
    } while (cursor !== '0-0' && out.length < this.batchSize);
    this.counters.reclaimed += out.length;
    if (out.length > 0) this.opts.log.info('reclaimed idle stream entries', { stream: this.stream, group: this.group, count: out.length });
    return out;
  }

  private async deliveryCounts(raw: RawEntry[]): Promise<Map<string, number>> {
    const first = raw[0]![0];
    const last = raw[raw.length - 1]![0];
    const lo = compareIds(first, last) <= 0 ? first : last;
    const hi = lo === first ? last : first;
    const reply = (await this.opts.redis.call('XPENDING', this.stream, this.group, lo, hi, raw.length * 4, this.name)) as [string, string, number, number][];
    return new Map(reply.map((p) => [p[0], Number(p[3])]));
  }

  private async process(raw: RawEntry[], deliveries: Map<string, number> | null): Promise<number> {
    const good: StreamEntry<T>[] = [];
    const dead: DeadEntry[] = [];
    for (const [id, fields] of raw) {
      const payload = fieldOf(fields, 'p');
      const count = deliveries?.get(id) ?? 1;
      if (count > this.maxDeliveries) {
        dead.push({ id, reason: `not processed after ${count - 1} deliveries`, deliveries: count, payload });
        continue;
      }
      const parsed = parse(payload, this.opts.schema);
      if (parsed.ok) good.push({ id, value: parsed.value, deliveries: count });
      else dead.push({ id, reason: `malformed entry: ${parsed.error}`, deliveries: count, payload });
    }
    if (dead.length > 0) await this.deadLetter(dead);
    if (good.length > 0) await this.runIsolating(good, raw);
    return good.length + dead.length;
  }

  /** Tries again, as one batch, the entries that failed on their own last time. */
  private async retryHeld(): Promise<number> {
    const batch = this.held;
    this.held = [];
    await this.runIsolating(batch, null);
    const still = new Set(this.held.map((e) => e.id));
    for (const e of batch) if (!still.has(e.id)) this.heldPayloads.delete(e.id);
    return batch.length;
  }

  /**
   * Hands a batch to `handle`; when it fails for a reason other than Redis being unreachable,
   * splits it to find the entries that fail on their own, counts a failed delivery for each of
   * those alone, and holds them for a retry (or dead-letters them once they reach the limit).
   */
  private async runIsolating(batch: StreamEntry<T>[], raw: RawEntry[] | null): Promise<void> {
    this.counters.batches += 1;
    const first = await this.attempt(batch);
    if (first.ok === true) {
      this.counters.handled += batch.length;
      if (this.held.length === 0) this.streak = { rounds: 0, sawSuccess: false };
      return;
    }
    if (first.ok === 'abandoned') return;
    this.counters.failedBatches += 1;
    const culprits: { entry: StreamEntry<T>; error: unknown }[] = [];
    if (batch.length === 1) culprits.push({ entry: batch[0]!, error: first.error });
    else if (!(await this.isolate(batch, culprits))) return;
    this.opts.log.warn('batch failed; entries that fail on their own will be retried', {
      stream: this.stream, group: this.group, size: batch.length, failing: culprits.length, err: first.error,
    });
    await this.settle(culprits, raw);
    if (this.held.length === 0) {
      this.streak = { rounds: 0, sawSuccess: false };
      return;
    }
    this.streak.rounds += 1;
    if (culprits.length < batch.length) this.streak.sawSuccess = true;
    // A bad entry among good ones is retried soon; a round where everything failed backs off
    // (0.5, 1, 2, 4 s…), which gives a short outage of whatever the handler needs time to pass.
    const pause = this.streak.sawSuccess ? this.retryDelayMs : Math.min(this.retryDelayMs * 2 ** (this.streak.rounds - 1), MAX_BACKOFF_MS);
    await this.pause(pause);
  }

  /**
   * Splits a failed batch in halves and tries each, recursing into the halves that fail, so an
   * entry that fails alone ends up in `culprits`. Returns false when stopping cut it short.
   */
  private async isolate(batch: StreamEntry<T>[], culprits: { entry: StreamEntry<T>; error: unknown }[]): Promise<boolean> {
    const mid = Math.ceil(batch.length / 2);
    for (const half of [batch.slice(0, mid), batch.slice(mid)]) {
      const r = await this.attempt(half);
      if (r.ok === 'abandoned') return false;
      if (r.ok === true) this.counters.handled += half.length;
      else if (half.length === 1) culprits.push({ entry: half[0]!, error: r.error });
      else if (!(await this.isolate(half, culprits))) return false;
    }
    return true;
  }

  /**
   * One call of `handle`. While Redis is unreachable it waits and calls again with the same
   * batch (the entries stay pending; nothing counts against them). Gives up only when stopping.
   */
  private async attempt(batch: StreamEntry<T>[]): Promise<Attempt> {
    for (let waits = 0; ; waits += 1) {
      try {
        await this.opts.handle(batch, this);
        return { ok: true };
      } catch (error) {
        if (!isRedisUnavailable(error)) return { ok: false, error };
        if (this.stopping) return { ok: 'abandoned' };
        this.counters.unavailable += 1;
        if (waits === 0) this.opts.log.warn('Redis unreachable while handling a batch; retrying it', { stream: this.stream, group: this.group, size: batch.length, err: messageOf(error) });
        await this.pause(Math.min(this.retryDelayMs * 2 ** Math.min(waits, 5), MAX_BACKOFF_MS));
        if (this.stopping) return { ok: 'abandoned' };
      }
    }
  }

  /**
   * Counts one failed delivery for each entry that failed alone: at the limit it is
   * dead-lettered with the error as the reason, otherwise its new count is written to Redis
   * (XCLAIM RETRYCOUNT, which also restarts its idle time so no other worker takes it) and it
   * is held for the next step. An entry no longer pending was committed by another worker.
   */
  private async settle(culprits: { entry: StreamEntry<T>; error: unknown }[], raw: RawEntry[] | null): Promise<void> {
    const dead: DeadEntry[] = [];
    const retry: StreamEntry<T>[] = [];
    for (const { entry, error } of culprits) {
      if (entry.deliveries >= this.maxDeliveries) {
        const payload = this.payloadOf(entry, raw);
        dead.push({ id: entry.id, reason: `failed ${entry.deliveries} time${entry.deliveries === 1 ? '' : 's'}: ${messageOf(error)}`, deliveries: entry.deliveries, payload });
      } else retry.push({ ...entry, deliveries: entry.deliveries + 1 });
    }
    if (dead.length > 0) {
      try {
        await this.deadLetter(dead);
      } catch (err) {
        // Still pending: the next attempt (or a worker reclaiming it) will move it.
        this.opts.log.warn('could not dead-letter entries yet', { stream: this.stream, group: this.group, err: messageOf(err) });
        retry.push(...culprits.filter((c) => dead.some((d) => d.id === c.entry.id)).map((c) => c.entry));
      }
    }
    if (retry.length === 0) return;
    let still: Set<string> | null = null;
    try {
      const byCount = new Map<number, string[]>();
      for (const e of retry) byCount.set(e.deliveries, [...(byCount.get(e.deliveries) ?? []), e.id]);
      still = new Set();
      for (const [count, ids] of byCount) {
        const claimed = (await this.opts.redis.call('XCLAIM', this.stream, this.group, this.name, 0, ...ids, 'RETRYCOUNT', count, 'JUSTID')) as string[];
        for (const id of claimed) still.add(String(id));
      }
    } catch (err) {
      // The count stays in memory; Redis learns it at the next lone failure.
      this.opts.log.warn('could not record failed deliveries in Redis', { stream: this.stream, group: this.group, err: messageOf(err) });
      still = null;
    }
    const keep = still === null ? retry : retry.filter((e) => still.has(e.id));
    for (const e of keep) this.heldPayloads.set(e.id, this.payloadOf(e, raw));
    this.held = [...keep, ...this.held].sort((a, b) => compareIds(a.id, b.id));
  }

  /** The raw `p` field of an entry, as read, for its dead-letter record. */
  private payloadOf(entry: StreamEntry<T>, raw: RawEntry[] | null): string {
    const found = raw?.find((r) => r[0] === entry.id);
    return (found ? fieldOf(found[1], 'p') : null) ?? this.heldPayloads.get(entry.id) ?? JSON.stringify(entry.value);
  }

  /** Waits, but wakes at once when the consumer is stopped. */
  private pause(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async deadLetter(dead: DeadEntry[]): Promise<void> {
    const args: (string | number)[] = [this.group, this.deadMaxLen];
    for (const d of dead) {
      const record: DeadLetterRecord = { source: this.stream, group: this.group, id: d.id, reason: d.reason, deliveries: d.deliveries, payload: d.payload, at: Date.now() };
      args.push(d.id, JSON.stringify(record));
    }
    const moved = await this.opts.gears.call('vt_dead_letter', [this.stream, this.opts.deadStream], args);
    this.counters.deadLettered += moved;
    this.opts.log.warn('entries moved to the dead-letter stream', { stream: this.stream, group: this.group, count: moved, reasons: [...new Set(dead.map((d) => d.reason))] });
  }
}

/** Creates a consumer (not started). */
export function createStreamConsumer<T>(opts: StreamConsumerOptions<T>): StreamConsumer<T> {
  return new StreamConsumer(opts);
}

/**
 * The entries of a one-stream XREADGROUP reply. Over RESP2 it is `[[stream, entries]]`; over
 * RESP3 (ioredis' default with Redis 7) the map arrives flattened as `[stream, entries]`.
 */
function entriesOf(reply: unknown): RawEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  if (typeof reply[0] === 'string' || Buffer.isBuffer(reply[0])) return (reply[1] as RawEntry[] | undefined) ?? [];
  return ((reply[0] as [string, RawEntry[]])[1] as RawEntry[] | undefined) ?? [];
}

function fieldOf(fields: string[] | null, name: string): string | null {
  if (!fields) return null;
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? null;
  return null;
}

function parse<T>(payload: string | null, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  if (payload === null) return { ok: false, error: 'no field p' };
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return { ok: false, error: 'field p is not JSON' };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, error: r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

function pairs(flat: unknown[]): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(String(flat[i]), flat[i + 1]);
  return m;
}

/** Orders stream ids (`ms-seq`). */
export function compareIds(a: string, b: string): number {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const d = BigInt(am) - BigInt(bm);
  if (d !== 0n) return d < 0n ? -1 : 1;
  const s = BigInt(as) - BigInt(bs);
  return s === 0n ? 0 : s < 0n ? -1 : 1;
}
