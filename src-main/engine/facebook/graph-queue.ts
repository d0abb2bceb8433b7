import { UnrecoverableError, Worker } from 'bullmq';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from './graph-errors';
import { GraphError } from './graph-types';

/**
 * The limiter every worker that calls the Graph API runs with. It keeps a queue under Meta's
 * Send API pace (about 300 calls/s per Page), and it is what makes `rateLimit(ms)` hold: BullMQ's
 * scripts only look at the limiter key a rate-limit answer sets when the worker has a limiter,
 * so without one the other workers (and this one, fetching its next job as it finishes one) go
 * on calling Meta during the wait it asked for.
 */
export const GRAPH_WORKER_LIMITER = { max: 250, duration: 1000 } as const;

/** What can pause a queue: a BullMQ Queue (`queue.rateLimit`) or Worker. */
export interface RateLimiter {
  rateLimit(ms: number): Promise<void>;
}

/**
 * Turns a failed Graph call inside a BullMQ processor into the queue behaviour it deserves.
 * Call it from the processor's catch and let it throw:
 * - rate limited → pause the whole queue for Meta's advertised time and put the job back
 *   without spending an attempt (`Worker.RateLimitError`);
 * - transient → rethrow, so the job's attempts and backoff apply;
 * - permanent → `UnrecoverableError` carrying the coordinator's sentence: fails once, never retried.
 */
export async function failGraphJob(err: unknown, limiter: RateLimiter): Promise<never> {
  if (!(err instanceof GraphError)) throw err;
  if (err.kind === 'rate_limited') {
    await limiter.rateLimit(err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS);
    throw Worker.RateLimitError();
  }
  if (err.kind === 'permanent') throw new UnrecoverableError(err.userMessage);
  throw err;
}
