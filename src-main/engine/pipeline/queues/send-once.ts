import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long one run may hold a send's claim: well over a Graph call's or an SMTP exchange's timeout. */
export const SEND_CLAIM_MS = 60_000;

/** Thrown by a run that finds another run of the same send in progress: BullMQ tries it again later. */
export class SendInProgressError extends Error {
  override name = 'SendInProgressError';
  constructor() {
    super('this message is being sent by another run right now; trying again shortly');
  }
}

/**
 * Runs one outward send (a comment reply, a person's copy of a broadcast, an email) so that two
 * runs of it never both send. `sent` is the marker a finished send leaves (`sent:<kind>:<key>`,
 * set by `send` itself once the peer accepted it); `skipped` is what a run returns when the
 * marker is already there.
 *
 * The marker check alone was not enough: two runs of one job at once (a job BullMQ took for
 * stalled on a busy machine and handed to another process, or the same send queued twice) both
 * passed it before either set it, and both sent — seen in the app + two workers test under CI
 * load. A short claim (`<marker>:sending`, SET NX with an expiry) makes the send exclusive; a
 * run that finds it taken throws SendInProgressError and is retried, by which time the marker
 * says whether the message went out. A process killed while holding the claim leaves it to
 * expire, and the retry then sends: that window (the peer accepted, the marker not yet set) is
 * the residual risk docs/pipeline.md describes.
 *
 * The claim's owner is unique per run, not per job: a stalled job re-run elsewhere keeps its job
 * id, and must not release a claim the first run still holds.
 */
export async function sendOnce<T>(redis: Redis, sent: string, skipped: T, send: () => Promise<T>): Promise<T> {
  if (await redis.exists(sent)) return skipped;
  const claim = `${sent}:sending`;
  const owner = randomUUID();
  if ((await redis.set(claim, owner, 'PX', SEND_CLAIM_MS, 'NX')) !== 'OK') throw new SendInProgressError();
  try {
    // The other run may have finished between the check and the claim.
    if (await redis.exists(sent)) return skipped;
    return await send();
  } finally {
    // Released only by its owner: after an expiry another run may hold it. GET then DEL is not
    // atomic, but a claim only expires under a run 60 s late, long past any send's timeout.
    await redis
      .get(claim)
      .then((held) => (held === owner ? redis.del(claim) : 0))
      .catch(() => undefined);
  }
}
