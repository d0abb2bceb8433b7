import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { RpcError } from '../../../contract/errors';
import type { EventView, SlotInput } from '../../../contract/events';
import type { Handlers } from '../../module';
import type { PipelineCore } from '../core';
import { coordinatorActivity } from '../effects';
import { promote } from '../signups/signup-engine';
import { jobIdFor } from '../queues/job-ids';
import type { PublishJob } from '../queues/publish-queue';
import type { EventRecord, SlotRecord } from '../state/records';
import { eventView } from '../state/views';
import { generatePostText } from './post-text';

const MIN_SCHEDULE_MS = 10 * 60_000;
const MAX_SCHEDULE_MS = 30 * 24 * 3600_000;

type EventHandlers = Pick<Handlers, 'events.create' | 'events.update' | 'events.get' | 'events.list' | 'events.publish' | 'events.delete' | 'events.previewPost'>;

/**
 * Slots from the coordinator's input. A kept slot sent without a `description` keeps the one it
 * had (a client that does not know the field must not erase it); `null` or "" clears it.
 */
function toSlots(input: ReadonlyArray<SlotInput>, existing: readonly SlotRecord[]): SlotRecord[] {
  return input.map((s) => {
    const kept = s.id ? existing.find((x) => x.id === s.id) : undefined;
    return {
      id: kept ? kept.id : `slot_${randomUUID().slice(0, 8)}`,
      title: s.title,
      start: Date.parse(s.start),
      end: Date.parse(s.end),
      capacity: s.capacity,
      description: s.description === undefined ? (kept?.description ?? null) : s.description || null,
    };
  });
}

export function findEvent(core: PipelineCore, id: string): EventRecord {
  const e = core.state.events[id];
  if (!e) throw new RpcError('not_found', `There is no event with id ${id}; it may have been deleted. Reload the events list.`);
  return e;
}

/** events.*: create, edit, publish (now or scheduled through the publish queue), delete. */
export function eventHandlers(core: PipelineCore, publishQueue: () => Queue<PublishJob>): EventHandlers {
  const view = (e: EventRecord): EventView => eventView(core.state, e, core.timeZone(), core.now());
  const save = async (e: EventRecord, coordinatorVerb?: 'coordinator_updated', promoteIn: readonly string[] = []): Promise<EventView> => {
    core.state.putEvent(e);
    await core.change((ctx, replies) => {
      ctx.effects.eventsChanged.add(e.id);
      if (coordinatorVerb) ctx.effects.activities.push(coordinatorActivity(coordinatorVerb, e, String(ctx.now), ctx.now));
      // More room: the people waiting are promoted and told, as when someone cancels.
      for (const slotId of promoteIn) promote(ctx, e.id, slotId, replies);
    });
    return view(e);
  };
  return {
    async 'events.create'(a) {
      const now = core.now();
      const e: EventRecord = {
        id: `ev_${randomUUID()}`, title: a.title, description: a.description, location: a.location, slots: toSlots(a.slots, []),
        postTextOverride: a.postText ?? null, status: 'draft', scheduledAt: null, publishedAt: null, postId: null, permalinkUrl: null,
        failureReason: null, createdAt: now, updatedAt: now,
      };
      return save(e);
    },
    async 'events.update'(a) {
      const e = findEvent(core, a.id);
      const promoteIn: string[] = [];
      if (a.slots) {
        const slots = toSlots(a.slots, e.slots);
        const kept = new Set(slots.map((s) => s.id));
        const orphaned = core.state.signupsOfEvent(e.id).filter((s) => s.status !== 'cancelled' && !kept.has(s.slotId));
        if (orphaned.length > 0) {
          throw new RpcError('conflict', `${orphaned.length} ${orphaned.length === 1 ? 'person is' : 'people are'} signed up for a slot you removed. Move or remove their signups first, or keep the slot.`);
        }
        // A capacity lowered below the people signed up keeps them all: the slot shows as over
        // capacity and takes nobody new until enough cancel (nobody is dropped behind their back).
        for (const s of slots) {
          const before = e.slots.find((x) => x.id === s.id);
          if (before && s.capacity > before.capacity) promoteIn.push(s.id);
        }
        e.slots = slots;
      }
      if (a.title !== undefined) e.title = a.title;
      if (a.description !== undefined) e.description = a.description;
      if (a.location !== undefined) e.location = a.location;
      if (a.postText !== undefined) e.postTextOverride = a.postText;
      e.updatedAt = core.now();
      return save(e, 'coordinator_updated', promoteIn);
    },
    async 'events.get'(a) {
      return view(findEvent(core, a.id));
    },
    async 'events.list'(a) {
      return Object.values(core.state.events)
        .sort((x, y) => y.createdAt - x.createdAt)
        .map(view)
        .filter((v) => !a.status || v.status === a.status);
    },
    async 'events.publish'(a) {
      const e = findEvent(core, a.id);
      if (e.status === 'published' || e.status === 'scheduled') {
        throw new RpcError('conflict', e.status === 'published' ? 'This event is already published.' : 'This event is already scheduled on Facebook.');
      }
      const now = core.now();
      let scheduledAt: number | null = null;
      if (a.at) {
        scheduledAt = Date.parse(a.at);
        if (scheduledAt - now < MIN_SCHEDULE_MS || scheduledAt - now > MAX_SCHEDULE_MS) {
          throw new RpcError('bad_arguments', 'Facebook schedules posts between 10 minutes and 30 days ahead. Pick a time in that range, or publish now.');
        }
      }
      e.failureReason = null;
      e.updatedAt = now;
      e.publishAttempts = (e.publishAttempts ?? 0) + 1;
      // A second click makes a second job, but the publish worker runs one job at a time and the
      // first one's "published" marker makes the second reuse its post instead of posting again.
      await publishQueue().add('publish', { eventId: e.id, scheduledAt }, {
        jobId: jobIdFor('publish', `${e.id}.${e.publishAttempts}`), attempts: 6, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: true,
      });
      return save(e);
    },
    async 'events.delete'(a) {
      findEvent(core, a.id);
      core.state.deleteEvent(a.id);
      await core.state.flush();
      return { ok: true as const };
    },
    async 'events.previewPost'(a) {
      const slots = a.slots.map((s) => ({ title: s.title, start: Date.parse(s.start), end: Date.parse(s.end), capacity: s.capacity, description: s.description ?? null }));
      return { text: generatePostText({ title: a.title, description: a.description, location: a.location, slots }, core.timeZone()) };
    },
  };
}
