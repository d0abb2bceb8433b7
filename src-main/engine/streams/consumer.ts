import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { Gears } from '../gears/loader';
import type { Logger } from '../log';
import { createClient, type RedisEndpoint } from '../redis/endpoint';

/** One entry handed to `handle`: its stream id, the parsed payload, and how often it was delivered. */
export interface StreamEntry<T> {
  id: string;
  value: T;
  /** 1 on first delivery; more when it was reclaimed or retried after a failed batch. */
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
   * the batch pending: it is retried, and after `maxDeliveries` it is dead-lettered.
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
  /** Deliveries after which an entry is dead-lettered instead of tried again. Default 5. */
  maxDeliveries?: number;
  /** Pause after a failed batch before retrying it. Default 500 ms. */
  retryDelayMs?: number;
  /** Approximate cap of the dead-letter stream. Default 10,000. */
  deadMaxLen?: number;
}

type RawEntry = [id: string, fields: string[] | null];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  private retryOwn = false;
  private lastClaim = 0;
  private readonly counters = { handled: 0, batches: 0, failedBatches: 0, deadLettered: 0, reclaimed: 0 };

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
   * Stops reading, finishes the batch in hand, and closes the blocking client. Entries read but
   * not yet handled when the read is cut short stay pending and are reclaimed by a live worker.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.waiting) this.blocking?.disconnect();
    await this.loop;
    this.loop = null;
    this.blocking?.disconnect();
    this.blocking = null;
  }

  /**
   * Reads and handles at most one batch (claims first when due). Returns how many entries were
   * handed to `handle` or dead-lettered. Used by the loop, and by tests and benchmarks that
   * drive a consumer step by step.
   */
  async step(block = true): Promise<number> {
    const now = Date.now();
    let raw: RawEntry[] = [];
    let fresh = false;
    if (this.retryOwn) {
      raw = await this.claimOwnPending();
      this.retryOwn = raw.length > 0;
    }
    if (raw.length === 0 && now - this.lastClaim >= this.claimEveryMs) {
      this.lastClaim = now;
      raw = await this.claimIdle();
    }
    if (raw.length === 0) {
      raw = await this.readNew(block);
      fresh = true;
    }
    if (raw.length === 0) return 0;
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
    return { length, pending, lag, ...this.counters };
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
        await sleep(Math.min(this.retryDelayMs * 2 ** Math.min(failures, 5), 10_000));
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

  /** Takes over entries idle longer than claimIdleMs, whoever holds them (XAUTOCLAIM). */
  private async claimIdle(): Promise<RawEntry[]> {
    const out: RawEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = (await this.opts.redis.call(
        'XAUTOCLAIM', this.stream, this.group, this.name, this.claimIdleMs, cursor, 'COUNT', this.batchSize - out.length,
      )) as [string, RawEntry[], string[]?];
      cursor = reply[0];
      // Redis 7 drops ids of entries deleted from the stream from the PEL itself (3rd element).
      for (const e of reply[1]) if (e) out.push(e);
    } while (cursor !== '0-0' && out.length < this.batchSize);
    this.counters.reclaimed += out.length;
    if (out.length > 0) this.opts.log.info('reclaimed idle stream entries', { stream: this.stream, group: this.group, count: out.length });
    return out;
  }

  /** Re-delivers this consumer's own pending entries after a failed batch (XCLAIM counts a delivery). */
  private async claimOwnPending(): Promise<RawEntry[]> {
    const pending = (await this.opts.redis.call('XPENDING', this.stream, this.group, '-', '+', this.batchSize, this.name)) as [string, string, number, number][];
    if (pending.length === 0) return [];
    const ids = pending.map((p) => p[0]);
    const claimed = (await this.opts.redis.call('XCLAIM', this.stream, this.group, this.name, 0, ...ids)) as (RawEntry | null)[];
    return claimed.filter((e): e is RawEntry => e !== null);
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
    const dead: { id: string; reason: string; deliveries: number; payload: string | null }[] = [];
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
    if (good.length > 0) {
      this.counters.batches += 1;
      try {
        await this.opts.handle(good, this);
        this.counters.handled += good.length;
      } catch (err) {
        this.counters.failedBatches += 1;
        this.retryOwn = true;
        this.opts.log.warn('batch failed; it stays pending and will be retried', {
          stream: this.stream, group: this.group, size: good.length, err,
        });
        await sleep(this.retryDelayMs);
      }
    }
    return good.length + dead.length;
  }

  private async deadLetter(dead: { id: string; reason: string; deliveries: number; payload: string | null }[]): Promise<void> {
    const args: (string | number)[] = [this.group, this.deadMaxLen];
    for (const d of dead) {
      const record: DeadLetterRecord = { source: this.stream, group: this.group, id: d.id, reason: d.reason, deliveries: d.deliveries, payload: d.payload, at: Date.now() };
      args.push(d.id, JSON.stringify(record));
    }
    const moved = await this.opts.gears.call<number>('vt_streams', 'vt_dead_letter', [this.stream, this.opts.deadStream], args);
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
