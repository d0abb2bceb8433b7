import { z } from 'zod';
import { BROADCAST_CHANNELS } from '../../../contract/broadcasts';
import { REPLY_CHANNELS } from '../../../contract/events';
import type { MessageChoice } from '../../facebook/graph-types';
import type { EmailJob, ReplyJob } from '../effects';
import type { DbWriteJob } from './db-write-queue';
import type { NotifyJob } from './notify-queue';
import type { PublishJob } from './publish-queue';

// The data of every BullMQ job, checked where it is consumed (QueueFactory.worker's `schema`):
// a job is JSON in Redis, written by this version or by another process sharing the Redis (a
// `voluntree worker` of another build, a hand-made job), so its shape is not a given. A job that
// does not match fails at once, without retries, naming the field. Each schema is typed against
// the job's interface, so the two cannot drift apart.

const id = z.string().min(1).max(500);
const ms = z.number().nonnegative().finite();
const channel = z.enum(BROADCAST_CHANNELS);

const choice: z.ZodType<MessageChoice> = z.object({ title: z.string(), payload: z.string() });

export const replyJobSchema: z.ZodType<ReplyJob> = z.object({
  kind: id,
  key: id,
  to: z.union([
    z.object({ commentId: id, private: z.boolean(), commentCreatedAt: ms.optional() }),
    z.object({ psid: id, fallbackCommentId: id.optional() }),
  ]),
  text: z.string(),
  quickReplies: z.array(choice).optional(),
  volunteerId: id.nullable(),
  origin: id.optional(),
});

export const emailJobSchema: z.ZodType<EmailJob> = z.object({
  kind: id,
  key: id,
  to: z.string().min(3).max(320),
  subject: z.string(),
  text: z.string(),
  delivery: z.object({ broadcastId: id, volunteerId: id }).optional(),
});

export const notifyJobSchema: z.ZodType<NotifyJob> = z.object({
  broadcastId: id,
  volunteerId: id,
  channel,
  psid: id.nullable(),
  email: z.string().max(320).nullable(),
  subject: z.string(),
  text: z.string(),
});

export const publishJobSchema: z.ZodType<PublishJob> = z.object({ eventId: id, scheduledAt: ms.nullable() });

export const dbWriteJobSchema: z.ZodType<DbWriteJob> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('psid'), volunteerId: id, psid: id, at: ms }),
  z.object({ type: z.literal('delivery'), broadcastId: id, volunteerId: id, status: z.enum(['sent', 'failed']), channel: channel.nullable(), error: z.string().nullable(), at: ms }),
  z.object({ type: z.literal('replyProblem'), commentId: id, kind: id, key: id, channel: z.enum(REPLY_CHANNELS), reason: z.string(), at: ms }),
  z.object({ type: z.literal('replySent'), commentId: id, kind: id, key: id, at: ms }),
]);
