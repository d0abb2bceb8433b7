import type { Job, JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../../keys';
import type { DeadLetterRecord } from '../../streams/consumer';
import type { EmailJob, ReplyJob } from '../effects';
import type { NotifyJob } from '../queues/notify-queue';
import type { DbWriteJob } from '../queues/db-write-queue';
import type { PersonKeys } from './erase';

export interface RedisEraseDeps {
  redis: Redis;
  keys: Keys;
  /** The queues whose jobs can name a person: reply, notify, email, db-write. */
  queues: () => Queue[];
}

/** Job states a job can be removed from; an active job is locked by its worker and finishes (see docs/privacy.md). */
const REMOVABLE = ['waiting', 'delayed', 'prioritized', 'failed', 'completed', 'waiting-children'] as const satisfies readonly JobType[];
const PAGE = 500;

type AnyJob = ReplyJob | NotifyJob | EmailJob | DbWriteJob;

function concerns(data: AnyJob, k: PersonKeys): boolean {
  const ids = k.volunteerIds;
  if ('volunteerId' in data && typeof data.volunteerId === 'string' && ids.includes(data.volunteerId)) return true;
  if ('delivery' in data && data.delivery && ids.includes(data.delivery.volunteerId)) return true;
  if ('to' in data) {
    const to = data.to;
    if (typeof to === 'string') return k.emails.includes(to.toLowerCase());
    if ('psid' in to) return k.psids.includes(to.psid);
    return k.commentIds.includes(to.commentId);
  }
  return false;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Matches any of the person's identifiers as a whole token: comment `p1_c1` must not match
 * inside another person's `p1_c10`.
 */
function mentionsOf(needles: readonly string[]): (fields: string[]) => boolean {
  const re = new RegExp(`(?<![A-Za-z0-9])(?:${needles.map(escape).join('|')})(?![A-Za-z0-9])`);
  return (fields) => fields.some((f) => re.test(f));
}

/** Deletes the entries of a stream that mention the person, page by page. Returns how many went. */
async function scrubStream(redis: Redis, stream: string, test: (fields: string[]) => boolean): Promise<number> {
  let start = '-';
  let removed = 0;
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', PAGE);
    const doomed = page.filter(([, fields]) => test(fields)).map(([id]) => id);
    if (doomed.length > 0) removed += await redis.xdel(stream, ...doomed);
    if (page.length < PAGE) return removed;
    start = `(${page[page.length - 1]![0]}`;
  }
}

/**
 * Removes what Redis holds about a person: queued and failed jobs addressed to them (so nothing
 * more is sent), their Messenger window and pending email code, "sent" markers named after
 * them or their comments, dead-lettered entries and queue events that mention them. The
 * ingest's dedupe markers (comment id and a hash, no name; 7 days) stay: they keep Meta's
 * retries of old deliveries from bringing the person back. Idempotent. Returns the
 * number of jobs removed.
 */
export async function eraseFromRedis(deps: RedisEraseDeps, k: PersonKeys): Promise<{ queuedMessages: number }> {
  const { redis, keys } = deps;
  // A code being confirmed may be for an address not saved yet: its email joins the needles.
  const emails = new Set(k.emails);
  for (const psid of k.psids) {
    const pending = await redis.get(keys.emailCode(psid));
    if (pending) {
      try {
        const email = (JSON.parse(pending) as { email?: unknown }).email;
        if (typeof email === 'string') emails.add(email.toLowerCase());
      } catch {
        // Not ours to read; it is deleted below either way.
      }
    }
  }
  const person: PersonKeys = { ...k, emails: [...emails] };

  let queuedMessages = 0;
  for (const queue of deps.queues()) {
    for (const state of REMOVABLE) {
      for (let start = 0; ; ) {
        const jobs = (await queue.getJobs([state], start, start + PAGE - 1, true)) as (Job<AnyJob> | undefined)[];
        let removedHere = 0;
        for (const job of jobs) {
          if (!job?.data || !concerns(job.data, person)) continue;
          try {
            await job.remove();
            removedHere += 1;
            if (queue.name !== 'db-write') queuedMessages += 1;
          } catch {
            // Taken by a worker meanwhile: it finishes; its outcome finds no one to record.
          }
        }
        if (jobs.length < PAGE) break;
        start += PAGE - removedHere;
      }
    }
  }

  const p = redis.pipeline();
  if (k.psids.length > 0) p.hdel(keys.psidLastMessage, ...k.psids);
  for (const psid of k.psids) p.del(keys.emailCode(psid));
  await p.exec();

  const needles = [...person.volunteerIds, ...person.facebookIds, ...person.psids, ...person.emails, ...person.commentIds];
  if (needles.length > 0) {
    const mentions = mentionsOf(needles);
    // "Sent" markers are named after comment ids, signup ids and broadcast copies (volunteer ids).
    const pattern = keys.sentMarker('*', '*');
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const doomed = batch.filter((key) => mentions([key]));
      if (doomed.length > 0) await redis.unlink(...doomed);
    } while (cursor !== '0');
    await scrubStream(redis, keys.streamDead, (fields) => {
      const i = fields.indexOf('p');
      const raw = i >= 0 ? fields[i + 1] : undefined;
      if (!raw) return false;
      try {
        // The entry's own payload is JSON inside the record's JSON: match it unescaped.
        const rec = JSON.parse(raw) as DeadLetterRecord;
        return mentions([rec.payload ?? '', rec.id]);
      } catch {
        return mentions([raw]);
      }
    });
    // BullMQ's per-queue event log names job ids (a broadcast copy's id holds the volunteer id).
    for (const queue of deps.queues()) await scrubStream(redis, queue.toKey('events'), mentions);
  }
  return { queuedMessages };
}
