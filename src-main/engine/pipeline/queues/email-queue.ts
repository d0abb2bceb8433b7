import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../../keys';
import type { Logger } from '../../log';
import type { EmailJob } from '../effects';
import { EmailNotConfiguredError, type EmailSender } from '../email/email-sender';
import { isLastAttempt } from '../graph-failure';
import type { DbWriteJob } from './db-write-queue';
import { SENT_MARKER_TTL_SECONDS } from './job-ids';
import { sendOnce } from './send-once';

/** SMTP answers that will never succeed on retry (bad mailbox, rejected recipient). */
function isPermanentSmtp(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Sends one email once (marker `sent:email:<kind>.<key>`, see sendOnce); broadcast copies report their outcome. */
export function emailProcessor(deps: { sender: EmailSender; redis: Redis; keys: Keys; log: Logger; now: () => number; record: (j: DbWriteJob) => Promise<void> }) {
  return (job: Job<EmailJob>): Promise<void> => {
    const marker = deps.keys.sentMarker('email', `${job.data.kind}.${job.data.key}`);
    return sendOnce(deps.redis, marker, undefined, () => send(job, marker));
  };

  async function send(job: Job<EmailJob>, marker: string): Promise<void> {
    const e = job.data;
    try {
      await deps.sender.send(e.to, e.subject, e.text);
    } catch (err) {
      // The message never includes the password: nodemailer reports the server's answer only.
      const message = err instanceof EmailNotConfiguredError ? err.message : `Email to ${e.to} failed: ${err instanceof Error ? err.message : String(err)}`;
      const final = err instanceof EmailNotConfiguredError || isPermanentSmtp(err);
      if (e.delivery && (final || isLastAttempt(job, err))) {
        await deps.record({ type: 'delivery', ...e.delivery, status: 'failed', channel: 'email', error: message, at: deps.now() });
      }
      deps.log.warn('email not sent', { kind: e.kind, error: message });
      if (final) throw new UnrecoverableError(message);
      throw new Error(message);
    }
    await deps.redis.set(marker, String(deps.now()), 'EX', SENT_MARKER_TTL_SECONDS);
    if (e.delivery) await deps.record({ type: 'delivery', ...e.delivery, status: 'sent', channel: 'email', error: null, at: deps.now() });
  }
}
