import type { Activity } from '../../contract/feed';
import { RpcError } from '../../contract/errors';
import type { EngineContext, EngineModule, Handlers } from '../module';
import { systemTimeZone } from '../pipeline/time/local-time';
import { ActivityStore } from './activity-store';
import { FeedGear } from './feed-gear';
import { FeedService, type RecordResult } from './feed-service';

export interface FeedOptions {
  /** Items each feed keeps (default 200). A change rebuilds the feeds at the next start. */
  maxSize?: number;
  /**
   * The coordinator's IANA time zone; "today" and the daily aggregations follow it (default:
   * the computer's zone, looked up as the pipeline does). When it changes (the computer
   * travelled), the feeds are rebuilt for the new zone at the next check.
   */
  timeZone?: () => string;
  /** Days of activity the feeds keep in Redis (default 365); lowdb keeps everything. */
  retentionDays?: number;
}

/** How often activity beyond the retention period is forgotten. */
const PRUNE_EVERY_MS = 6 * 3600 * 1000;
/** How often the module checks that Redis still holds the feeds (an external Redis can be flushed). */
const CHECK_EVERY_MS = 5 * 60 * 1000;

export interface FeedModule extends EngineModule {
  /**
   * Records activities (the pipeline's recorder and the coordinator's actions call this):
   * stored in lowdb in one write, then fanned out. Safe to retry with the same ids.
   */
  record(activities: readonly Activity[]): Promise<RecordResult>;
  /** Forgets people's activities and follows (privacy erasure); see FeedService.forgetActors. */
  forgetActors(actorIds: readonly string[]): Promise<{ activities: number }>;
  /** The running service (after start). */
  service(): FeedService;
}

/**
 * The activity feed. Runs in the `app` role only (it owns the activities in lowdb); in the
 * `worker` role it contributes nothing. At start it rebuilds the feeds in the background when
 * Redis lost them or the feed settings changed.
 */
export function createFeedModule(ctx: EngineContext, options: FeedOptions = {}): FeedModule {
  const maxSize = options.maxSize ?? 200;
  const timeZone = options.timeZone ?? systemTimeZone;
  const retentionDays = options.retentionDays ?? 365;
  let svc: FeedService | null = null;
  let rebuilding: Promise<unknown> | null = null;
  let rebuildRunning = false;
  let pruning: Promise<unknown> | null = null;
  let lastPrune = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  const ready = (): FeedService => {
    if (!svc) throw new RpcError('unavailable', 'The activity feed is not running (it runs in the app, not in a worker); try again once the app has started.');
    return svc;
  };

  const handlers: Partial<Handlers> = {
    'feed.get': async (args) => ready().get(args.feed, args.limit),
    'feed.follow': async (args) => ready().follow(args.target, true, args.at),
    'feed.unfollow': async (args) => ready().follow(args.target, false, args.at),
    'feed.following': async () => ready().following(),
    'feed.delete': async (args) => ready().delete(args.activityId),
    'feed.rebuild': async () => ready().rebuild(),
  };

  return {
    name: 'feed',
    handlers,
    async start() {
      if (ctx.role !== 'app' || !ctx.store) return;
      const activities = await ActivityStore.open(ctx.store);
      const gear = new FeedGear(ctx.redis, ctx.gears, ctx.keys, { maxSize, timeZone });
      const log = ctx.log.child({ module: 'feed' });
      const service = new FeedService({ redis: ctx.redis, keys: ctx.keys, gear, activities, clock: ctx.clock, live: ctx.live, log, retentionDays });
      svc = service;
      const rebuild = (why: string) => {
        if (rebuildRunning) return;
        log.info(`rebuilding feeds (${why})`);
        rebuildRunning = true;
        rebuilding = service
          .rebuild()
          .catch((err: unknown) => log.error('feed rebuild failed; run feed.rebuild to retry', { err }))
          .finally(() => (rebuildRunning = false));
      };
      const prune = () => {
        lastPrune = Date.now();
        pruning ??= service
          .prune()
          .catch((err: unknown) => log.warn('could not forget old feed activity; will retry', { err }))
          .finally(() => (pruning = null));
      };
      if (activities.size === 0 && activities.follows().length === 0) await service.markBuilt();
      else if (!(await service.upToDate())) rebuild('Redis lost them or the feed settings changed');
      prune();
      timer = setInterval(() => {
        void service
          .upToDate()
          .then((ok) => (ok ? undefined : rebuild('Redis lost them or the time zone changed')))
          .catch(() => undefined);
        if (Date.now() - lastPrune >= PRUNE_EVERY_MS) prune();
      }, CHECK_EVERY_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.all([rebuilding, pruning]);
      svc = null;
    },
    async health(report) {
      if (ctx.role !== 'app' || !ctx.store) return;
      if (!svc) {
        report.problems.push('The activity feed has not started.');
        return;
      }
      if (!rebuildRunning && !(await svc.upToDate().catch(() => true))) {
        report.problems.push('The activity feed is missing from Redis (it was cleared) or was built for another time zone. It rebuilds itself from the saved activities within five minutes.');
      }
    },
    record: (activities) => ready().record(activities),
    forgetActors: (actorIds) => ready().forgetActors(actorIds),
    service: ready,
  };
}
