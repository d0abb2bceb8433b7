import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import { RpcError } from '../../../contract/errors';
import type { BroadcastChannel, BroadcastRecipient } from '../../../contract/broadcasts';
import type { Handlers } from '../../module';
import type { PipelineCore } from '../core';
import { coordinatorActivity } from '../effects';
import { findEvent } from '../events/event-handlers';
import type { NotifyJob } from '../queues/notify-queue';
import { GRAPH_JOB_OPTIONS, jobIdFor } from '../queues/job-ids';
import type { BroadcastRecord, DeliveryRecord } from '../state/records';
import { broadcastDetail, broadcastView } from '../state/views';
import { chooseChannel } from './channel';

type BroadcastHandlers = Pick<Handlers, 'broadcasts.preview' | 'broadcasts.send' | 'broadcasts.get' | 'broadcasts.list'>;

export interface BroadcastDeps {
  notifyQueue: () => Queue<NotifyJob>;
  /** Whether an approved utility template is set up (updates outside the 24 h window). */
  templateAvailable: () => boolean;
}

/** The recipients of an update: each signed-up person once (and the waitlist when asked). */
function recipients(core: PipelineCore, eventId: string, slotId: string | undefined, includeWaitlist: boolean, templateAvailable: boolean): BroadcastRecipient[] {
  const seen = new Set<string>();
  const out: BroadcastRecipient[] = [];
  const now = core.now();
  for (const s of core.state.signupsOfEvent(eventId)) {
    if (slotId && s.slotId !== slotId) continue;
    if (s.status === 'cancelled' || (s.status === 'waitlisted' && !includeWaitlist)) continue;
    if (seen.has(s.volunteerId)) continue;
    const v = core.state.volunteers[s.volunteerId];
    if (!v) continue;
    seen.add(v.id);
    out.push({ volunteerId: v.id, name: v.name, ...chooseChannel(v, now, templateAvailable) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

function countChannels(list: readonly { channel: BroadcastChannel }[]): Record<BroadcastChannel, number> {
  const byChannel: Record<BroadcastChannel, number> = { messenger: 0, template: 0, email: 0, none: 0 };
  for (const r of list) byChannel[r.channel] += 1;
  return byChannel;
}

/** Queues a broadcast's undelivered copies; job ids and markers make this safe to repeat. */
export async function enqueueDeliveries(core: PipelineCore, deps: BroadcastDeps, b: BroadcastRecord): Promise<void> {
  const e = core.state.events[b.eventId];
  const jobs = Object.values(b.deliveries)
    .filter((d) => d.status === 'pending')
    .map((d) => {
      const v = core.state.volunteers[d.volunteerId];
      const data: NotifyJob = {
        broadcastId: b.id, volunteerId: d.volunteerId, channel: d.channel, psid: v?.psid ?? null, email: v?.email ?? null,
        subject: `Update: ${e?.title ?? 'your event'}`, text: e ? `${e.title}: ${b.message}` : b.message,
      };
      return { name: 'notify', data, opts: { ...GRAPH_JOB_OPTIONS, jobId: jobIdFor('notify', `${b.id}.${d.volunteerId}`) } };
    });
  if (jobs.length > 0) await deps.notifyQueue().addBulk(jobs);
}

/** broadcasts.*: preview who gets an update and how, send it once per idempotency key, follow it. */
export function broadcastHandlers(core: PipelineCore, deps: BroadcastDeps): BroadcastHandlers {
  const { state } = core;
  return {
    async 'broadcasts.preview'(a) {
      findEvent(core, a.eventId);
      const list = recipients(core, a.eventId, a.slotId, a.includeWaitlist, deps.templateAvailable());
      return { recipients: list, byChannel: countChannels(list) };
    },
    async 'broadcasts.send'(a) {
      const e = findEvent(core, a.eventId);
      const existingId = state.broadcastByKey.get(a.idempotencyKey);
      if (existingId && state.broadcasts[existingId]) {
        const existing = state.broadcasts[existingId]!;
        if (existing.eventId !== a.eventId || existing.message !== a.message) {
          throw new RpcError('conflict', 'This idempotency key was already used for a different update. Compose the update again.');
        }
        return broadcastView(state, existing);
      }
      const list = recipients(core, e.id, a.slotId, a.includeWaitlist, deps.templateAvailable());
      if (list.length === 0) throw new RpcError('conflict', 'Nobody is signed up for this event (or slot) yet, so there is no one to send the update to.');
      const now = core.now();
      const deliveries: Record<string, DeliveryRecord> = {};
      for (const r of list) {
        deliveries[r.volunteerId] = { ...r, status: r.channel === 'none' ? 'skipped' : 'pending', error: r.channel === 'none' ? r.reason : null, sentAt: null };
      }
      const b: BroadcastRecord = {
        id: `bc_${createHash('sha256').update(a.idempotencyKey).digest('hex').slice(0, 20)}`, idempotencyKey: a.idempotencyKey, eventId: e.id,
        message: a.message, slotId: a.slotId ?? null, includeWaitlist: a.includeWaitlist, deliveries, createdAt: now, finishedAt: null,
      };
      if (Object.values(deliveries).every((d) => d.status !== 'pending')) b.finishedAt = now;
      // Claimed before any await: a second click in flight finds it.
      state.broadcasts[b.id] = b;
      state.broadcastByKey.set(a.idempotencyKey, b.id);
      state.touch('broadcasts');
      await state.flush();
      await enqueueDeliveries(core, deps, b);
      const view = broadcastView(state, b);
      await core.dispatch.live.publish('broadcast.progress', { broadcastId: b.id, eventId: b.eventId, status: view.status, counts: view.counts });
      try {
        await core.dispatch.onActivities?.([coordinatorActivity('coordinator_sent_update', e, b.id, now)]);
      } catch (err) {
        core.dispatch.log.warn('activity feed did not take the update', { err });
      }
      return view;
    },
    async 'broadcasts.get'(a) {
      const b = state.broadcasts[a.id];
      if (!b) throw new RpcError('not_found', `There is no broadcast with id ${a.id}.`);
      return broadcastDetail(state, b);
    },
    async 'broadcasts.list'(a) {
      return Object.values(state.broadcasts)
        .filter((b) => !a.eventId || b.eventId === a.eventId)
        .sort((x, y) => y.createdAt - x.createdAt)
        .map((b) => broadcastView(state, b));
    },
  };
}
