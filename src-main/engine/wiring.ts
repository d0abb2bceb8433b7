import type { Activity } from '../contract/feed';
import type { Logger } from './log';
import type { MetricsModule } from './metrics/module';
import type { PipelineActivity, PipelineMetric } from './pipeline/effects';
import type { FeedModule } from './feed/feed-module';

/**
 * Adapters between modules: the pipeline speaks of signups and events; the feed and the
 * metrics have their own shapes. Kept here so neither side depends on the other.
 */
export function pipelineActivitiesToFeed(feed: FeedModule, log: Logger) {
  return async (items: PipelineActivity[]): Promise<void> => {
    const activities: Activity[] = items.map((a) => ({
      id: a.id,
      actor: { id: a.actorId, name: a.actorName || 'Someone' },
      verb: a.verb,
      object: { type: 'event', id: a.eventId, title: a.eventTitle || 'an event' },
      time: a.at,
    }));
    try {
      await feed.record(activities);
    } catch (err) {
      // The feed can be rebuilt from the store of record; a failure here must not stop signups.
      log.warn('activity feed could not record activities', { count: activities.length, err: (err as Error).message });
    }
  };
}

/**
 * Activities the pipeline took back leave every feed through the feed's own delete path. Each
 * is a reference (`commented:<commentId>`, `signed_up:<signupId>`) naming the activity with that
 * id and those whose id continues it (ids that end in the time they were recorded at). A
 * reference the feed never recorded (a comment removed before the feed took it) deletes nothing.
 */
export function pipelineActivitiesGoneFromFeed(feed: FeedModule, log: Logger) {
  return async (references: string[]): Promise<void> => {
    let deleted = 0;
    for (const ref of references) {
      try {
        deleted += (await feed.service().deleteByRef(ref)).deleted;
      } catch (err) {
        log.warn('activity feed could not take back an activity', { ref, err: (err as Error).message });
      }
    }
    if (deleted > 0) log.debug('activities taken back', { count: deleted });
  };
}

/** Pipeline figure names (`signups.<eventId>`) → metric node ids (`event:<id>:signups`). */
const METRIC_NODE: Record<string, string> = {
  signups: 'signups',
  capacity: 'capacity',
  attended: 'attendance',
  cancellations: 'cancellations',
  waitlist: 'waitlist',
};

export function pipelineMetricsToNodes(metrics: MetricsModule, log: Logger) {
  return async (values: PipelineMetric[]): Promise<void> => {
    const input: Record<string, number> = {};
    for (const v of values) {
      const dot = v.name.indexOf('.');
      const kind = METRIC_NODE[v.name.slice(0, dot)];
      const eventId = v.name.slice(dot + 1);
      if (!kind || !eventId || !Number.isFinite(v.value)) continue;
      // Attendance 0 means "not taken yet" (it is marked after the event): sending it would
      // make the no-show rate read 100% for every upcoming event.
      if (kind === 'attendance' && v.value === 0) continue;
      const node = `event:${eventId}:${kind}`;
      // A node the coordinator removed is left out: one unknown node would refuse the whole batch.
      if (!metrics.accepts(node)) continue;
      input[node] = v.value;
    }
    if (Object.keys(input).length === 0) return;
    try {
      await metrics.input(input, 'pipeline');
    } catch (err) {
      log.warn('live metrics refused pipeline figures', { nodes: Object.keys(input), err: (err as Error).message });
    }
  };
}
