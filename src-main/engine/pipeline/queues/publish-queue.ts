import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { GraphApi } from '../../facebook/graph-types';
import type { Keys } from '../../keys';
import type { LiveBus } from '../../live';
import { GraphError } from '../../facebook/graph-types';
import { coordinatorActivity, type PipelineActivity } from '../effects';
import { failGraphJob, isLastAttempt, type RateLimiter } from '../graph-failure';
import type { PipelineState } from '../state/pipeline-state';
import { eventView, postTextOf } from '../state/views';
import { SENT_MARKER_TTL_SECONDS } from './job-ids';

export interface PublishJob {
  eventId: string;
  /** ms since the epoch; Facebook holds the post until then. */
  scheduledAt: number | null;
}

export interface PublishDeps {
  graph: GraphApi;
  state: PipelineState;
  redis: Redis;
  keys: Keys;
  live: LiveBus;
  now: () => number;
  timeZone: () => string;
  limiter: () => RateLimiter;
  /** The activity feed's recorder ("You published Beach clean today"); its failure never fails the publish. */
  onActivities?: (activities: PipelineActivity[]) => void | Promise<void>;
  onError?: (err: unknown) => void;
}

/**
 * Publishes (or schedules on Facebook) an event's post and records the result. The post id is
 * kept in a marker the moment Meta answers, so a retry after a crash reuses it instead of
 * posting twice; the window between Meta's answer and that marker is the residual risk.
 * Runs in the app (it writes the events file).
 */
export function publishProcessor(deps: PublishDeps) {
  const announce = async (eventId: string): Promise<void> => {
    const e = deps.state.events[eventId];
    if (e) await deps.live.publish('event.updated', { event: eventView(deps.state, e, deps.timeZone(), deps.now()) });
  };
  return async (job: Job<PublishJob>): Promise<void> => {
    const { eventId, scheduledAt } = job.data;
    const e = deps.state.events[eventId];
    if (!e || e.status === 'published' || (e.status === 'scheduled' && e.postId)) return;
    const marker = deps.keys.sentMarker('publish', eventId);
    let result: { postId: string; permalinkUrl: string | null };
    const done = await deps.redis.get(marker);
    if (done) result = JSON.parse(done) as typeof result;
    else {
      try {
        result = await deps.graph.publishPost({ message: postTextOf(e, deps.timeZone()), ...(scheduledAt !== null ? { scheduledAt } : {}) });
      } catch (err) {
        if (isLastAttempt(job, err)) {
          e.status = 'failed';
          e.failureReason = err instanceof GraphError ? err.userMessage : `Publishing failed: ${err instanceof Error ? err.message : String(err)}`;
          e.updatedAt = deps.now();
          deps.state.putEvent(e);
          await deps.state.flush();
          await announce(eventId);
        }
        return failGraphJob(err, deps.limiter());
      }
      await deps.redis.set(marker, JSON.stringify(result), 'EX', SENT_MARKER_TTL_SECONDS);
    }
    e.postId = result.postId;
    e.permalinkUrl = result.permalinkUrl;
    e.failureReason = null;
    e.status = scheduledAt !== null ? 'scheduled' : 'published';
    e.scheduledAt = scheduledAt;
    e.publishedAt = scheduledAt ?? deps.now();
    e.updatedAt = deps.now();
    deps.state.putEvent(e);
    await deps.state.flush();
    await announce(eventId);
    try {
      await deps.onActivities?.([coordinatorActivity('coordinator_published', e, result.postId, e.publishedAt)]);
    } catch (err) {
      deps.onError?.(err);
    }
  };
}
