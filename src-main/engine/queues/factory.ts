import { Queue, QueueEvents, UnrecoverableError, Worker, type Processor, type QueueOptions, type WorkerOptions } from 'bullmq';
import type { ZodType } from 'zod';
import { bullConnection, type RedisEndpoint } from '../redis/endpoint';
import type { QueueName } from '../keys';
import type { Logger } from '../log';

/**
 * The one place that creates BullMQ objects. Each Queue and Worker gets its own connection
 * from `connection` (BullMQ needs `maxRetriesPerRequest: null` for blocking workers), and
 * `closeAll` closes workers first (they finish the job in hand), then queues.
 */
export class QueueFactory {
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly events: QueueEvents[] = [];

  private readonly connection: Record<string, unknown>;

  constructor(
    endpoint: RedisEndpoint,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.connection = bullConnection(endpoint);
  }

  queue<D = unknown>(name: QueueName, opts: Partial<QueueOptions> = {}): Queue<D> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix, ...opts });
      q.on('error', (err) => this.log.warn('queue error', { queue: name, err }));
      this.queues.set(name, q);
    }
    return q as Queue<D>;
  }

  /**
   * A worker on `name`. With `schema`, each job's data is checked before `processor` sees it: a
   * job that does not match fails at once (UnrecoverableError, no retries) with the field and
   * the reason, instead of failing somewhere inside the processor or doing the wrong thing.
   */
  worker<D = unknown, R = unknown>(name: QueueName, processor: Processor<D, R>, opts: Partial<WorkerOptions> & { schema?: ZodType<D> } = {}): Worker<D, R> {
    // A queue this process works is one whose counts the health report should show, even
    // before anything here has added a job to it.
    this.queue(name);
    const { schema, ...workerOpts } = opts;
    const checked: Processor<D, R> = schema
      ? (job, token) => {
          const r = schema.safeParse(job.data);
          if (!r.success) {
            const issue = r.error.issues[0];
            throw new UnrecoverableError(`job data does not match the ${name} job: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
          }
          return processor(job, token);
        }
      : processor;
    const w = new Worker<D, R>(name, checked, {
      connection: this.connection,
      prefix: this.prefix,
      ...workerOpts,
    });
    w.on('error', (err) => this.log.warn('worker error', { queue: name, err }));
    w.on('failed', (job, err) => this.log.warn('job failed', { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }));
    this.workers.push(w);
    return w;
  }

  queueEvents(name: QueueName): QueueEvents {
    const e = new QueueEvents(name, { connection: this.connection, prefix: this.prefix });
    this.events.push(e);
    return e;
  }

  /** Every queue created so far, by name (health reports read their counts). */
  all(): Map<string, Queue> {
    return this.queues;
  }

  /**
   * Closes workers (each finishes the job in hand). Bounded: when Redis is gone a graceful
   * close would wait forever, so after `graceMs` the connection is dropped instead; the jobs
   * in hand stay in Redis and are taken up again after the stall interval.
   */
  async closeWorkers(graceMs = 10_000): Promise<void> {
    await Promise.all(this.workers.map((w) => bounded(w.close(), graceMs, () => w.disconnect())));
    this.workers.length = 0;
  }

  async closeAll(graceMs = 10_000): Promise<void> {
    await this.closeWorkers(graceMs);
    await Promise.all(this.events.map((e) => bounded(e.close(), graceMs, () => e.disconnect())));
    await Promise.all([...this.queues.values()].map((q) => bounded(q.close(), graceMs, () => q.disconnect())));
    this.events.length = 0;
    this.queues.clear();
  }
}

/** Waits for `p` at most `ms`, then runs `fallback`; never rejects. */
async function bounded(p: Promise<unknown>, ms: number, fallback: () => Promise<unknown> | unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), ms);
  });
  const outcome = await Promise.race([p.then(() => 'done' as const, () => 'done' as const), timedOut]);
  clearTimeout(timer);
  // The fallback (dropping the connection) is not awaited: against a dead Redis it may never settle either.
  if (outcome === 'timeout') void Promise.resolve(fallback()).catch(() => undefined);
}
