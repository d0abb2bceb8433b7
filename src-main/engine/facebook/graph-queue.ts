import { UnrecoverableError, Worker } from 'bullmq';
import { DEFAULT_RATE_LIMIT_WAIT_MS } from './graph-errors';
import { GraphError } from './graph-types';

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
