import type { MetricReading } from '../../contract/metrics';
import { RpcError } from '../../contract/errors';
import type { FastifyInstance } from 'fastify';
import type { EngineContext, EngineModule, Handlers } from '../module';
import { registerMetricsInputRoute } from './input-route';
import { MetricsService, type MetricsOptions } from './service';

/** The metrics engine module, plus the service method the pipeline feeds counts through. */
export interface MetricsModule extends EngineModule {
  /**
   * Gives values to metric nodes, e.g. `{ 'event:42:signups': 12 }` (see docs/metrics.md for
   * node names). Refuses the whole batch (RpcError bad_arguments) if any node or value is bad.
   */
  input(values: Record<string, number | MetricReading>, source: string): Promise<{ accepted: number }>;
  /** Whether `node` is defined (directly or by a template) right now; false while not running. */
  accepts(node: string): boolean;
  /** The running service, or null before start / in the worker role. */
  readonly service: MetricsService | null;
  registerRoutes(app: FastifyInstance): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Live metrics. Runs in the `app` role only: definitions and history live in the lowdb store,
 * which only the app has. Needs the vt_metrics gear loaded (see gears/libraries.ts).
 */
export function createMetricsModule(ctx: EngineContext, opts: MetricsOptions = {}): MetricsModule {
  let service: MetricsService | null = null;
  const running = (): MetricsService => {
    if (service) return service;
    if (ctx.role !== 'app') throw new RpcError('unavailable', 'Live metrics run in the app; send metric inputs to the app, not to a worker.');
    throw new RpcError('unavailable', 'Live metrics are not running yet; try again in a moment.');
  };

  const handlers: Partial<Handlers> = {
    'metrics.list': async () => ({ nodes: running().list() }),
    'metrics.define': async ({ node }) => ({ node: await running().define(node) }),
    'metrics.remove': async ({ id }) => {
      await running().remove(id);
      return { removed: id };
    },
    'metrics.values': async ({ nodes, historyLimit, from, to }) => ({ values: await running().values(nodes, historyLimit, { from, to }) }),
    'metrics.settings.get': async () => running().settings(),
    'metrics.settings.set': async (s) => running().setSettings(s),
    'metrics.input': async ({ values }, call) => running().input(values, call.via === 'ipc' ? 'ui' : call.via),
  };

  return {
    name: 'metrics',
    handlers,
    get service() {
      return service;
    },
    input: async (values, source) => running().input(values, source),
    accepts: (node) => service?.accepts(node) ?? false,
    registerRoutes(app) {
      registerMetricsInputRoute(app, (values) => running().input(values, 'http'));
    },
    async start() {
      if (ctx.role !== 'app' || !ctx.store) {
        ctx.log.info('live metrics run in the app, not in this worker');
        return;
      }
      const { redis, gears, keys, clock, log, live, queues, store } = ctx;
      service = await MetricsService.open({ redis, gears, keys, clock, log, live, queues, store }, opts);
      service.start();
    },
    async stop() {
      await service?.stop();
      service = null;
    },
    health(report) {
      if (!service) return;
      for (const p of service.problems) report.problems.push(`metrics: ${p}`);
    },
  };
}
