import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BroadcastChannel } from '../../../contract/broadcasts';
import type { GraphApi } from '../../facebook/graph-types';
import type { Keys } from '../../keys';
import type { EmailJob } from '../effects';
import { failGraphJob, isLastAttempt, type RateLimiter } from '../graph-failure';
import type { DbWriteJob } from './db-write-queue';
import { GRAPH_JOB_OPTIONS, SENT_MARKER_TTL_SECONDS, jobIdFor } from './job-ids';
import { sendOnce } from './send-once';
import { sendToPerson, type UtilityTemplateSetting } from './send-to-person';

/** One person's copy of a broadcast. */
export interface NotifyJob {
  broadcastId: string;
  volunteerId: string;
  channel: BroadcastChannel;
  psid: string | null;
  email: string | null;
  subject: string;
  text: string;
}

export interface NotifyDeps {
  graph: GraphApi;
  redis: Redis;
  keys: Keys;
  now: () => number;
  template: () => UtilityTemplateSetting;
  emailQueue: () => Queue<EmailJob>;
  record: (job: DbWriteJob) => Promise<void>;
  limiter: () => RateLimiter;
}

/**
 * Delivers one person's copy once (marker `sent:notify:<broadcast>.<volunteer>`, see sendOnce). Messenger is
 * re-checked at send time: if the 24 h window closed since the broadcast was queued, the
 * utility template is used. Email is handed to the email queue, which records the outcome.
 */
export function notifyProcessor(deps: NotifyDeps) {
  return (job: Job<NotifyJob>): Promise<{ channel: BroadcastChannel }> => {
    const n = job.data;
    const marker = deps.keys.sentMarker('notify', `${n.broadcastId}.${n.volunteerId}`);
    return sendOnce(deps.redis, marker, { channel: n.channel }, () => deliver(job, marker));
  };

  async function deliver(job: Job<NotifyJob>, marker: string): Promise<{ channel: BroadcastChannel }> {
    const n = job.data;
    const key = `${n.broadcastId}.${n.volunteerId}`;
    const report = (status: 'sent' | 'failed', channel: BroadcastChannel | null, error: string | null) =>
      deps.record({ type: 'delivery', broadcastId: n.broadcastId, volunteerId: n.volunteerId, status, channel, error, at: deps.now() });
    if (n.channel === 'email' && n.email) {
      await deps.emailQueue().add('broadcast', {
        kind: 'broadcast', key, to: n.email, subject: n.subject, text: n.text, delivery: { broadcastId: n.broadcastId, volunteerId: n.volunteerId },
      }, { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor('email', key) });
      await deps.redis.set(marker, String(deps.now()), 'EX', SENT_MARKER_TTL_SECONDS);
      return { channel: 'email' };
    }
    if (!n.psid) {
      await report('failed', null, 'No way to reach this person (no Messenger contact, no confirmed email).');
      throw new UnrecoverableError('no channel');
    }
    let used: 'messenger' | 'template' | 'comment';
    try {
      used = await sendToPerson({ graph: deps.graph, redis: deps.redis, keys: deps.keys, now: deps.now(), template: deps.template() }, n.psid, { text: n.text });
    } catch (err) {
      if (isLastAttempt(job, err)) await report('failed', null, err instanceof Error ? err.message : String(err));
      return failGraphJob(err, deps.limiter());
    }
    await deps.redis.set(marker, String(deps.now()), 'EX', SENT_MARKER_TTL_SECONDS);
    const channel: BroadcastChannel = used === 'comment' ? 'messenger' : used;
    await report('sent', channel, null);
    return { channel };
  }
}
