import type { Queue, Worker } from 'bullmq';
import { RpcError } from '../../contract/errors';
import { GRAPH_WORKER_LIMITER } from '../facebook/graph-queue';
import type { GraphApi } from '../facebook/graph-types';
import { QUEUE_NAMES } from '../keys';
import type { EngineContext, EngineModule, Handlers } from '../module';
import type { StreamConsumer } from '../streams/consumer';
import type { IntentEntry } from '../streams/entries';
import { broadcastHandlers, enqueueDeliveries } from './broadcasts/broadcast-handlers';
import { PipelineCore } from './core';
import type { DispatchDeps } from './dispatch';
import type { EmailJob, PipelineActivity, PipelineMetric, ReplyJob } from './effects';
import { createEmailSender, type EmailSender, type EmailSettings } from './email/email-sender';
import { EmailVerification } from './email/verification';
import { eventHandlers } from './events/event-handlers';
import { inboxHandlers } from './inbox/inbox-handlers';
import { dbWriteJobId, dbWriteProcessor, type DbWriteJob } from './queues/db-write-queue';
import { emailProcessor } from './queues/email-queue';
import { notifyProcessor, type NotifyJob } from './queues/notify-queue';
import { dbWriteJobSchema, emailJobSchema, notifyJobSchema, publishJobSchema, replyJobSchema } from './queues/job-schemas';
import { publishProcessor, type PublishJob } from './queues/publish-queue';
import { replyProcessor } from './queues/reply-queue';
import type { UtilityTemplateSetting } from './queues/send-to-person';
import type { RecorderDeps } from './recorder/recorder';
import { rosterHandlers, type EraseElsewhere } from './roster/roster-handlers';
import { signupHandlers, type CorrectionSink } from './signups/signup-handlers';
import { createRecorderConsumer, RECORDER_GROUP } from './stages/record';
import { PipelineState } from './state/pipeline-state';
import { rebuildFromComments, type Rebuilt } from './state/rebuild';
import { systemTimeZone } from './time/local-time';

export interface PipelineModuleDeps {
  /** The Graph API: the real client, or the simulator's in demo mode and tests. */
  graph: GraphApi;
  /**
   * Whether this process can send through the Graph API (it has the Page connection). The app
   * always can (a connected Page, or the simulator in demo mode). A `voluntree worker` can only
   * with a Page connection (its own, or the app's handed out through Redis): without one it must
   * not take reply or notify jobs, or it fails them while the app could have sent them. Default true.
   */
  sendsGraph?: () => boolean;
  /** Calls back when `sendsGraph` may have changed (a worker's handed-out connection came or went). */
  onSendsGraphChange?: (cb: () => void) => () => void;
  /** SMTP settings (Settings → Email); null when not set up. */
  email: () => EmailSettings | null;
  /** The SMTP password, read only when a message is sent; never logged. */
  smtpPassword: () => string | null;
  /** The approved utility template for updates outside the 24 h window; null when none is approved. */
  utilityTemplate?: () => UtilityTemplateSetting | null;
  /** IANA zone used to read "Sunday" / "2pm" in comments and to write dates in replies. Default: this computer's. */
  timeZone?: () => string;
  /** Receives signed_up / cancelled / promoted / asked / attended activities (the activity feed's `record`). */
  onActivities?: (activities: PipelineActivity[]) => void | Promise<void>;
  /**
   * Receives references to activities a change took back (a removed or hidden comment's
   * "commented", a removed signup's "signed up"; see Effects.activitiesGone); the feed deletes them.
   */
  onActivitiesGone?: (references: string[]) => void | Promise<void>;
  /** Receives per-event figures `signups.<id>`, `capacity.<id>`, `waitlist.<id>`, `attended.<id>` (the metrics' `input`). */
  onMetrics?: (values: PipelineMetric[]) => void | Promise<void>;
  /**
   * Erases a deleted person from the other stores (the activity feed, the model's corrections);
   * returns what it removed. Must be idempotent: a deletion retried after an interruption calls it again.
   */
  onErase?: EraseElsewhere;
  /**
   * Settings → Model: comments the model is less sure of than this are held in "Needs a look"
   * instead of acted on. Default DEFAULT_REVIEW_THRESHOLD (chosen from the calibration table).
   */
  reviewThreshold?: () => number;
  /** Receives the coordinator's intent corrections (the model's `model.correct`); they are also kept on the comment. */
  onCorrection?: CorrectionSink;
  /** Tuning, mostly for tests. */
  options?: {
    recorderBatchSize?: number;
    recorderBlockMs?: number;
    /** How long an entry may stay unacknowledged before the recorder takes it over (default 0: see below). */
    recorderClaimIdleMs?: number;
    replyConcurrency?: number;
    notifyConcurrency?: number;
    /** Fault tests only: called after each recorder batch is written, before its replies are queued and it is acknowledged. */
    afterRecorderWrite?: () => Promise<void>;
  };
}

export interface PipelineModule extends EngineModule {
  /** The records (app role, after start); null in the worker role. */
  state(): PipelineState | null;
  /** The recorder's stream consumer (app role, after start). */
  recorder(): StreamConsumer<IntentEntry> | null;
}

/** How long a reply that could not be sent counts among /healthz problems. */
const REPLY_PROBLEM_HEALTH_MS = 7 * 24 * 3600_000;
const NO_TEMPLATE: UtilityTemplateSetting = { name: '', language: 'en_US' };

/**
 * The signup pipeline: events and their posts, the recorder (intents stream → comments,
 * volunteers, signups in lowdb), replies, the inbox, the roster and broadcasts.
 *
 * Roles: the `app` role owns the lowdb files, so it runs the recorder, the publish and db-write
 * workers and the coordinator's requests; both roles run the reply, notify and email workers
 * (they need only Redis and the Graph API, and report outcomes through the db-write queue).
 */
export function createPipelineModule(ctx: EngineContext, deps: PipelineModuleDeps): PipelineModule {
  const log = ctx.log.child({ module: 'pipeline' });
  const opts = deps.options ?? {};
  const timeZone = deps.timeZone ?? systemTimeZone;
  const now = (): number => ctx.clock.now();
  const template = (): UtilityTemplateSetting => deps.utilityTemplate?.() ?? NO_TEMPLATE;
  let state: PipelineState | null = null;
  let core: PipelineCore | null = null;
  let consumer: StreamConsumer<IntentEntry> | null = null;
  let sender: EmailSender | null = null;
  let rebuilt: Rebuilt = { signups: 0, volunteers: 0 };

  const replyQueue = (): Queue<ReplyJob> => ctx.queues.queue<ReplyJob>(QUEUE_NAMES.reply);
  const emailQueue = (): Queue<EmailJob> => ctx.queues.queue<EmailJob>(QUEUE_NAMES.email);
  const notifyQueue = (): Queue<NotifyJob> => ctx.queues.queue<NotifyJob>(QUEUE_NAMES.notify);
  const publishQueue = (): Queue<PublishJob> => ctx.queues.queue<PublishJob>(QUEUE_NAMES.publish);
  const dbWriteQueue = (): Queue<DbWriteJob> => ctx.queues.queue<DbWriteJob>(QUEUE_NAMES.dbWrite);
  const record = async (j: DbWriteJob): Promise<void> => {
    await dbWriteQueue().add(j.type, j, { jobId: dbWriteJobId(j), attempts: 10, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
  };

  const need = (): PipelineCore => {
    if (!core) throw new RpcError('unavailable', 'The signup pipeline is still starting. Try again in a moment.');
    return core;
  };
  // Handlers exist from creation (the engine registers them up front) and reach the records once started.
  const lazy = <K extends keyof Handlers>(pick: (c: PipelineCore) => Pick<Handlers, K>, names: readonly K[]): Pick<Handlers, K> => {
    const cache = new WeakMap<PipelineCore, Pick<Handlers, K>>();
    const get = (): Pick<Handlers, K> => {
      const c = need();
      let h = cache.get(c);
      if (!h) {
        h = pick(c);
        cache.set(c, h);
      }
      return h;
    };
    return Object.fromEntries(names.map((n) => [n, (args: never, call: never) => (get()[n] as (a: never, c: never) => unknown)(args, call)])) as unknown as Pick<Handlers, K>;
  };

  const templateAvailable = (): boolean => Boolean(deps.utilityTemplate?.()?.name);
  const handlers: Partial<Handlers> | undefined =
    ctx.role === 'app'
      ? {
          ...lazy((c) => eventHandlers(c, publishQueue), ['events.create', 'events.update', 'events.get', 'events.list', 'events.publish', 'events.delete', 'events.previewPost']),
          ...lazy((c) => signupHandlers(c, deps.onCorrection), ['comments.list', 'comments.correct', 'comments.needsReview', 'signups.list', 'signups.add', 'signups.move', 'signups.remove', 'signups.markAttendance', 'signups.export']),
          ...lazy((c) => inboxHandlers(c), ['inbox.list', 'inbox.answer', 'inbox.dismiss', 'templates.get', 'templates.set', 'templates.languages', 'templates.setDefaultLanguage']),
          ...lazy(
            (c) => rosterHandlers(c, {
              redis: ctx.redis, keys: ctx.keys, queues: () => [replyQueue(), notifyQueue(), emailQueue(), dbWriteQueue()],
              ...(deps.onErase ? { elsewhere: deps.onErase } : {}),
            }),
            ['volunteers.search', 'volunteers.get', 'volunteers.update', 'volunteers.merge', 'volunteers.delete', 'volunteers.importCsv', 'volunteers.exportCsv'],
          ),
          ...lazy((c) => broadcastHandlers(c, { notifyQueue, templateAvailable }), ['broadcasts.preview', 'broadcasts.send', 'broadcasts.get', 'broadcasts.list']),
        }
      : undefined;

  // Reply and notify workers run only while this process can send (see sendsGraph): a worker
  // whose handed-out connection goes away pauses them (jobs it holds finish or, without a
  // connection, go back to wait) and resumes them when one comes back.
  let sendingWorkers: Worker[] = [];
  let sendingPaused = false;
  let saidNoPage = false;
  function syncSendingWorkers(): void {
    const can = !deps.sendsGraph || deps.sendsGraph();
    if (!can) {
      if (!saidNoPage) log.info('this worker has no Page connection: it leaves reply and notify jobs to the app');
      saidNoPage = true;
      if (sendingWorkers.length > 0 && !sendingPaused) {
        sendingPaused = true;
        for (const w of sendingWorkers) void w.pause().catch((err: Error) => log.warn('could not pause a sending worker', { err: err.message }));
      }
      return;
    }
    saidNoPage = false;
    if (sendingPaused) {
      sendingPaused = false;
      for (const w of sendingWorkers) w.resume();
      log.info('the Page connection is back: this worker takes reply and notify jobs again');
      return;
    }
    if (sendingWorkers.length > 0) return;
    let replyWorker: Worker | null = null;
    replyWorker = ctx.queues.worker<ReplyJob>(
      QUEUE_NAMES.reply,
      replyProcessor({ graph: deps.graph, redis: ctx.redis, keys: ctx.keys, log, now, template, record, limiter: () => replyWorker! }),
      { concurrency: opts.replyConcurrency ?? 20, limiter: GRAPH_WORKER_LIMITER, schema: replyJobSchema },
    ) as unknown as Worker;
    let notifyWorker: Worker | null = null;
    notifyWorker = ctx.queues.worker<NotifyJob>(
      QUEUE_NAMES.notify,
      notifyProcessor({ graph: deps.graph, redis: ctx.redis, keys: ctx.keys, now, template, emailQueue, record, limiter: () => notifyWorker! }),
      { concurrency: opts.notifyConcurrency ?? 20, limiter: GRAPH_WORKER_LIMITER, schema: notifyJobSchema },
    ) as unknown as Worker;
    sendingWorkers = [replyWorker, notifyWorker];
  }
  let offSendsGraph: (() => void) | null = null;

  function startSendingWorkers(): void {
    syncSendingWorkers();
    offSendsGraph = deps.onSendsGraphChange?.(syncSendingWorkers) ?? null;
    startEmailWorker();
  }

  function startEmailWorker(): void {
    // Email needs SMTP settings, which live in the app's data folder and keychain: a worker
    // without them leaves email jobs to the app rather than failing them.
    if (ctx.role !== 'app' && deps.email() === null) return;
    sender = createEmailSender(deps.email, deps.smtpPassword);
    ctx.queues.worker<EmailJob>(QUEUE_NAMES.email, emailProcessor({ sender, redis: ctx.redis, keys: ctx.keys, log, now, record }), { concurrency: 5, schema: emailJobSchema });
  }

  return {
    name: 'pipeline',
    ...(handlers ? { handlers } : {}),
    state: () => state,
    recorder: () => consumer,
    async start() {
      if (ctx.role === 'app') {
        if (!ctx.store) throw new Error('the pipeline needs the store in the app role');
        state = await PipelineState.open(ctx.store);
        if (ctx.store.damaged) {
          // A file restored from an older backup (or lost): the comments say what was done since.
          rebuilt = rebuildFromComments(state, timeZone());
          if (rebuilt.signups + rebuilt.volunteers > 0) {
            log.warn('rebuilt records from the comments after a damaged data file', { ...rebuilt });
            await state.flush();
          }
        }
        const dispatch: DispatchDeps = {
          state, redis: ctx.redis, keys: ctx.keys, live: ctx.live, log, replyQueue, emailQueue, timeZone, now,
          ...(deps.onActivities ? { onActivities: deps.onActivities } : {}),
          ...(deps.onActivitiesGone ? { onActivitiesGone: deps.onActivitiesGone } : {}),
          ...(deps.onMetrics ? { onMetrics: deps.onMetrics } : {}),
        };
        core = new PipelineCore(state, dispatch, deps.reviewThreshold);
        const recorderDeps: Omit<RecorderDeps, 'stream' | 'group'> = {
          ...dispatch,
          verification: new EmailVerification(ctx.redis, ctx.keys.emailCode, now),
          context: (effects) => core!.context(effects),
          ...(opts.afterRecorderWrite ? { afterWrite: opts.afterRecorderWrite } : {}),
        };
        let publishWorker: Worker | null = null;
        publishWorker = ctx.queues.worker<PublishJob>(
          QUEUE_NAMES.publish,
          publishProcessor({
            graph: deps.graph, state, redis: ctx.redis, keys: ctx.keys, live: ctx.live, now, timeZone, limiter: () => publishWorker!,
            ...(deps.onActivities ? { onActivities: deps.onActivities } : {}),
            onError: (err) => log.warn('activity feed did not take the publish', { err }),
          }),
          // One at a time: a repeated publish request then finds the first one's marker (see publish-queue.ts).
          { concurrency: 1, limiter: GRAPH_WORKER_LIMITER, schema: publishJobSchema },
        ) as unknown as Worker;
        ctx.queues.worker<DbWriteJob>(QUEUE_NAMES.dbWrite, dbWriteProcessor({ state, live: ctx.live }), { concurrency: 50, schema: dbWriteJobSchema });
        // Broadcasts cut short by a crash before their copies were queued: queue what is still pending.
        for (const b of Object.values(state.broadcasts)) {
          if (b.finishedAt === null) await enqueueDeliveries(core, { notifyQueue, templateAvailable }, b);
        }
        consumer = createRecorderConsumer(ctx, log, recorderDeps, {
          ...(opts.recorderBatchSize !== undefined ? { batchSize: opts.recorderBatchSize } : {}),
          ...(opts.recorderBlockMs !== undefined ? { blockMs: opts.recorderBlockMs } : {}),
          ...(opts.recorderClaimIdleMs !== undefined ? { claimIdleMs: opts.recorderClaimIdleMs } : {}),
        });
        await consumer.start();
      }
      startSendingWorkers();
    },
    async stop() {
      offSendsGraph?.();
      offSendsGraph = null;
      await consumer?.stop();
      consumer = null;
      // The engine closes the BullMQ workers and queues (QueueFactory.closeAll) after modules stop.
      await state?.flush();
      sender?.close();
      sender = null;
    },
    async health(report) {
      if (consumer) {
        const s = await consumer.stats().catch(() => null);
        if (s) report.streams[`intents:${RECORDER_GROUP}`] = { length: s.length, pending: s.pending };
      }
      if (state) {
        if (rebuilt.signups + rebuilt.volunteers > 0) {
          report.problems.push(`After a damaged data file, ${rebuilt.signups} signup${rebuilt.signups === 1 ? '' : 's'} and ${rebuilt.volunteers} ${rebuilt.volunteers === 1 ? 'person' : 'people'} were rebuilt from the comments; check the events' signups.`);
        }
        const failed = Object.values(state.events).filter((e) => e.status === 'failed');
        if (failed.length > 0) report.problems.push(`${failed.length} event post${failed.length === 1 ? '' : 's'} failed to publish; open the event to see why.`);
        // Recent ones only: an old problem the coordinator has seen should not mark the app unwell for ever.
        const since = now() - REPLY_PROBLEM_HEALTH_MS;
        let replies = 0;
        for (const c of Object.values(state.comments)) {
          if (c.replyProblems) for (const p of c.replyProblems) if (p.at >= since) replies += 1;
        }
        if (replies > 0) report.problems.push(`${replies} ${replies === 1 ? 'reply' : 'replies'} to comments could not be sent in the last 7 days; the event's Comments tab says why.`);
      }
    },
  };
}
