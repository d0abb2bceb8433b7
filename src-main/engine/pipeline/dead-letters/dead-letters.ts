import type { Redis } from 'ioredis';
import type { DeadLetter, DeadLetterPage, DeadLetterStage } from '../../../contract/dead-letters';
import type { Gears } from '../../gears/loader';
import type { Keys } from '../../keys';
import type { DeadLetterRecord } from '../../streams/consumer';

const STAGES: readonly DeadLetterStage[] = ['preprocess', 'classifier', 'recorder'];

/** The streams an entry may be put back on: only the pipeline's own inputs. */
function sourceStreams(keys: Keys): string[] {
  return [keys.streamIngest, keys.streamComments, keys.streamIntents];
}

/**
 * What the coordinator needs to recognise a dead-lettered entry. The payload is read leniently:
 * it may be the very thing that was malformed. Ingest items carry the comment or message
 * directly; comments and intents entries wrap it in `item`.
 */
export function describeDeadLetter(id: string, raw: string | null, prefix: string): DeadLetter {
  let rec: Partial<DeadLetterRecord> = {};
  try {
    const parsed: unknown = raw === null ? null : JSON.parse(raw);
    if (parsed && typeof parsed === 'object') rec = parsed as Partial<DeadLetterRecord>;
  } catch {
    // A record that is not JSON is shown with what is known: its id.
  }
  const source = typeof rec.source === 'string' ? rec.source : '';
  const payload = typeof rec.payload === 'string' ? rec.payload : null;
  const item = itemOf(payload);
  const stage = STAGES.find((s) => s === rec.group) ?? 'other';
  return {
    id,
    stage,
    source: source.startsWith(prefix) ? source.slice(prefix.length) : source,
    reason: typeof rec.reason === 'string' ? rec.reason : 'unknown',
    deliveries: typeof rec.deliveries === 'number' ? rec.deliveries : 0,
    at: typeof rec.at === 'number' ? rec.at : Number(id.split('-')[0]),
    text: str(item?.message) ?? str(item?.text) ?? str(item?.title),
    author: item && typeof item.from === 'object' && item.from !== null ? str((item.from as Record<string, unknown>).name) : null,
    commentId: str(item?.commentId),
    retryable: payload !== null && source !== '',
  };
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function itemOf(payload: string | null): Record<string, unknown> | null {
  if (payload === null) return null;
  try {
    const p: unknown = JSON.parse(payload);
    if (!p || typeof p !== 'object') return null;
    const inner = (p as Record<string, unknown>).item;
    return inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : (p as Record<string, unknown>);
  } catch {
    return null;
  }
}

/** A page of the dead-letter stream, newest first. */
export async function listDeadLetters(redis: Redis, keys: Keys, opts: { limit: number; before?: string | undefined }): Promise<DeadLetterPage> {
  const [total, rows] = await Promise.all([
    redis.xlen(keys.streamDead),
    redis.xrevrange(keys.streamDead, opts.before ? `(${opts.before}` : '+', '-', 'COUNT', opts.limit),
  ]);
  const entries = rows.map(([id, fields]) => describeDeadLetter(id, fieldValue(fields, 'p'), keys.prefix));
  return { total, entries, next: rows.length === opts.limit ? rows[rows.length - 1]![0] : null };
}

/** Puts entries back on their source streams and removes their records, atomically per call (`vt_dead_retry`). */
export async function retryDeadLetters(gears: Gears, keys: Keys, ids: readonly string[]): Promise<{ retried: number; skipped: number }> {
  const [retried, skipped] = await gears.call('vt_dead_retry', [keys.streamDead, ...sourceStreams(keys)], ids);
  return { retried, skipped };
}

/** Deletes records for good. */
export async function discardDeadLetters(redis: Redis, keys: Keys, ids: readonly string[]): Promise<{ discarded: number }> {
  return { discarded: await redis.xdel(keys.streamDead, ...ids) };
}

function fieldValue(fields: string[], name: string): string | null {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] ?? null;
  return null;
}
