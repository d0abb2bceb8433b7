// The broadcasts part of the contract: updates sent to an event's volunteers. Requests: name →
// args schema (zod) + result type. Live events: name → payload type. Merged by ./index.ts.
// Times are ISO 8601 strings in UTC ("…Z"), as everywhere in the contract.
import { z } from 'zod';
import { liveEvent, request } from './define';

const id = z.string().trim().min(1, 'An id is required').max(200);

/**
 * How a person is reached: Messenger inside the 24 h window, an approved utility template
 * outside it, email when that is all there is; `none` when there is no way.
 */
export const BROADCAST_CHANNELS = ['messenger', 'template', 'email', 'none'] as const;
export type BroadcastChannel = (typeof BROADCAST_CHANNELS)[number];
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface BroadcastRecipient {
  volunteerId: string;
  name: string;
  channel: BroadcastChannel;
  /** Why this channel (e.g. "last message 3 h ago", "no Messenger contact; email confirmed"). */
  reason: string;
}

export interface BroadcastDelivery extends BroadcastRecipient {
  status: DeliveryStatus;
  error: string | null;
  sentAt: string | null;
}

export interface BroadcastCounts {
  total: number;
  pending: number;
  sent: number;
  failed: number;
  skipped: number;
}

export interface BroadcastView {
  id: string;
  eventId: string;
  eventTitle: string;
  message: string;
  /** Which signups it went to. */
  audience: { slotId: string | null; includeWaitlist: boolean };
  status: 'sending' | 'done' | 'done_with_failures';
  counts: BroadcastCounts;
  byChannel: Record<BroadcastChannel, number>;
  createdAt: string;
  finishedAt: string | null;
}

export interface BroadcastDetail extends BroadcastView {
  deliveries: BroadcastDelivery[];
}

const audience = {
  eventId: id,
  /** Only the volunteers of this slot; all slots when left out. */
  slotId: id.optional(),
  includeWaitlist: z.boolean().default(false),
};

export const broadcastsRequests = {
  'broadcasts.preview': request<{ recipients: BroadcastRecipient[]; byChannel: Record<BroadcastChannel, number> }>()(
    z.object(audience).strict(),
    'Who would receive an update, and by which channel',
  ),
  'broadcasts.send': request<BroadcastView>()(
    z
      .object({
        ...audience,
        message: z.string().trim().min(1, 'Write the update').max(2000, 'Keep the update under 2,000 characters'),
        /** Made once per compose (e.g. a UUID): sending again with the same key returns the first broadcast. */
        idempotencyKey: z.string().min(8, 'The idempotency key is at least 8 characters').max(100),
      })
      .strict(),
    'Sends an update to the signed-up volunteers, once per idempotency key',
  ),
  'broadcasts.get': request<BroadcastDetail>()(z.object({ id }).strict(), 'One broadcast with per-person delivery status'),
  'broadcasts.list': request<BroadcastView[]>()(
    z.object({ eventId: id.optional() }).strict(),
    'Sent broadcasts, newest first',
  ),
};

export const broadcastsEvents = {
  'broadcast.progress': liveEvent<{ broadcastId: string; eventId: string; status: BroadcastView['status']; counts: BroadcastCounts }>(
    'A broadcast delivered (or failed) to more people',
  ),
};
