import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Keys } from '../keys';
import type { LiveBus } from '../live';
import type { Logger } from '../log';
import type { EmailJob, Effects, PipelineActivity, PipelineMetric, ReplyJob } from './effects';
import { GRAPH_JOB_OPTIONS, jobIdFor } from './queues/job-ids';
import type { PipelineState } from './state/pipeline-state';
import { eventView } from './state/views';

export interface DispatchDeps {
  state: PipelineState;
  redis: Redis;
  keys: Keys;
  live: LiveBus;
  log: Logger;
  replyQueue: () => Queue<ReplyJob>;
  emailQueue: () => Queue<EmailJob>;
  timeZone: () => string;
  now: () => number;
  onActivities?: (activities: PipelineActivity[]) => void | Promise<void>;
  /**
   * Receives references to activities that no longer happened (a comment removed or hidden on
   * Facebook, a signup the coordinator removed); see Effects.activitiesGone.
   */
  onActivitiesGone?: (activityIds: string[]) => void | Promise<void>;
  onMetrics?: (values: PipelineMetric[]) => void | Promise<void>;
}

/** Enqueues replies once each (job id from kind + key; the worker's marker covers later re-adds). */
export async function enqueueReplies(deps: DispatchDeps, replies: readonly ReplyJob[]): Promise<void> {
  if (replies.length === 0) return;
  await deps.replyQueue().addBulk(replies.map((r) => ({ name: r.kind, data: r, opts: { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor(r.kind, r.key) } })));
}

export async function enqueueEmails(deps: DispatchDeps, emails: readonly EmailJob[]): Promise<void> {
  if (emails.length === 0) return;
  await deps.emailQueue().addBulk(emails.map((e) => ({ name: e.kind, data: e, opts: { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor(`email.${e.kind}`, e.key) } })));
}

/**
 * Activities a change undid: a comment removed or hidden on Facebook takes back its "commented" activity
 * (the id the recorder gives it in recorder/apply-comment.ts), a signup the coordinator removed
 * its "signed up" and "promoted" ones (signups/signup-engine.ts). Read from the change's live
 * `comment.received` events, which carry every comment the change recorded with its state.
 */
export function activitiesGone(effects: Effects): string[] {
  const ids = new Set<string>();
  for (const m of effects.live) {
    if (m.event === 'comment.received' && m.payload.comment.state === 'removed') ids.add(`commented:${m.payload.comment.id}`);
  }
  for (const id of effects.activitiesGone) ids.add(id);
  return [...ids];
}

/** Per-event figures for the metrics graph. */
export function metricsFor(deps: DispatchDeps, eventIds: Iterable<string>): PipelineMetric[] {
  const out: PipelineMetric[] = [];
  const at = deps.now();
  for (const id of eventIds) {
    const e = deps.state.events[id];
    if (!e) continue;
    let signedUp = 0;
    let waiting = 0;
    let attended = 0;
    let cancelled = 0;
    for (const s of deps.state.signupsOfEvent(id)) {
      if (s.status === 'signed_up') signedUp += s.partySize;
      if (s.status === 'waitlisted') waiting += 1;
      // Signups the person withdrew (by comment, Messenger "No", deletion, edit), not people. One
      // the coordinator took off (a wrong one, a duplicate after a merge) is an undo, as in the
      // feed: it is no cancellation.
      if (s.status === 'cancelled' && s.cancelReason !== 'coordinator') cancelled += 1;
      if (s.attended) attended += s.partySize;
    }
    const capacity = e.slots.reduce((a, s) => a + s.capacity, 0);
    out.push(
      { name: `signups.${id}`, value: signedUp, at },
      { name: `capacity.${id}`, value: capacity, at },
      { name: `waitlist.${id}`, value: waiting, at },
      { name: `attended.${id}`, value: attended, at },
      { name: `cancellations.${id}`, value: cancelled, at },
    );
  }
  return out;
}

/**
 * Adds one `event.updated` per event whose counts changed, computed now: a caller that publishes
 * later (after the write) still shows the event as this change left it.
 */
export function prepareLive(deps: DispatchDeps, effects: Effects): void {
  if (effects.livePrepared) return;
  effects.livePrepared = true;
  const tz = deps.timeZone();
  const now = deps.now();
  for (const id of effects.eventsChanged) {
    const e = deps.state.events[id];
    if (e) effects.emit('event.updated', { event: eventView(deps.state, e, tz, now) });
  }
}

/** Publishes a change's live events (once; `event.updated` prepared if it was not yet). */
export async function publishLive(deps: DispatchDeps, effects: Effects): Promise<void> {
  if (effects.livePublished) return;
  prepareLive(deps, effects);
  effects.livePublished = true;
  await Promise.all(effects.live.map((m) => deps.live.publish(m.event, m.payload)));
}

/**
 * Carries out what a change caused, after the files are written: live events published (unless
 * already), replies and emails queued, the activity feed and metrics told. Callbacks that fail are
 * logged, never allowed to undo a recorded change.
 */
export async function dispatchEffects(deps: DispatchDeps, effects: Effects, replies: readonly ReplyJob[], emails: readonly EmailJob[] = []): Promise<void> {
  // Live first: the coordinator's screen should not wait for a large batch of replies to be queued.
  await publishLive(deps, effects);
  await dispatchQueued(deps, effects, replies, emails);
}

/** Everything of `dispatchEffects` but the live events: replies, emails, the feed and the metrics. */
export async function dispatchQueued(deps: DispatchDeps, effects: Effects, replies: readonly ReplyJob[], emails: readonly EmailJob[] = []): Promise<void> {
  // Before the replies: their worker reads it to know whether Messenger's 24 h window is open.
  if (effects.lastMessages.size > 0) {
    const args: string[] = [];
    for (const [psid, at] of effects.lastMessages) args.push(psid, String(at));
    await deps.redis.hset(deps.keys.psidLastMessage, ...args);
  }
  // Replies, emails, the feed and the metrics do not depend on each other: run them side by
  // side. All are awaited, so the batch is still acknowledged only once every one is done.
  const feed = async (): Promise<void> => {
    if (deps.onActivities && effects.activities.length > 0) {
      try {
        await deps.onActivities(effects.activities);
      } catch (err) {
        deps.log.warn('activity feed did not take the activities', { err });
      }
    }
    // After the new ones: a comment added and removed in one batch is recorded, then taken back.
    const gone = deps.onActivitiesGone ? activitiesGone(effects) : [];
    if (gone.length === 0) return;
    try {
      await deps.onActivitiesGone!(gone);
    } catch (err) {
      deps.log.warn('activity feed did not take back activities', { err, count: gone.length });
    }
  };
  const metrics = async (): Promise<void> => {
    if (!deps.onMetrics || effects.eventsChanged.size === 0) return;
    try {
      await deps.onMetrics(metricsFor(deps, effects.eventsChanged));
    } catch (err) {
      deps.log.warn('metrics did not take the values', { err });
    }
  };
  await Promise.all([enqueueReplies(deps, replies), enqueueEmails(deps, emails), feed(), metrics()]);
}
