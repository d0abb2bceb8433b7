import { UnrecoverableError } from 'bullmq';
import { GraphError } from '../facebook/graph-types';

export { failGraphJob, type RateLimiter } from '../facebook/graph-queue';

/** Meta refuses a second private reply to one comment: seeing that means the first went out. */
export function isAlreadyPrivatelyReplied(err: unknown): boolean {
  return err instanceof GraphError && err.kind === 'permanent' && (err.details.code === 10900 || err.details.subcode === 1893002);
}

/** True when this is the job's last try (so its failure is final and should be recorded). */
export function isLastAttempt(job: { attemptsMade: number; opts: { attempts?: number } }, err: unknown): boolean {
  if (err instanceof UnrecoverableError) return true;
  if (err instanceof GraphError && err.kind === 'permanent') return true;
  if (err instanceof GraphError && err.kind === 'rate_limited') return false;
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}
