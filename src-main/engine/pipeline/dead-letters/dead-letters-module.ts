import type { EngineContext, EngineModule } from '../../module';
import { discardDeadLetters, listDeadLetters, retryDeadLetters } from './dead-letters';

/**
 * What no stage could process (malformed entries, or ones that failed too many deliveries),
 * for the coordinator: `deadLetters.list`, `deadLetters.retry` (back onto the stage's input
 * stream) and `deadLetters.discard`. Both roles serve it (the dead-letter stream is in Redis);
 * its health part counts what waits there, so /healthz and the window say so.
 */
export function createDeadLettersModule(ctx: EngineContext): EngineModule {
  return {
    name: 'dead-letters',
    handlers: {
      'deadLetters.list': async ({ limit, before }) => listDeadLetters(ctx.redis, ctx.keys, { limit, before }),
      'deadLetters.retry': async ({ ids }) => retryDeadLetters(ctx.gears, ctx.keys, ids),
      'deadLetters.discard': async ({ ids }) => discardDeadLetters(ctx.redis, ctx.keys, ids),
    },
    async health(report) {
      const dead = await ctx.redis.xlen(ctx.keys.streamDead).catch(() => 0);
      report.streams['stream:dead'] = { length: dead, pending: 0 };
      if (dead > 0) {
        report.problems.push(
          `${dead === 1 ? '1 comment or message' : `${dead} comments or messages`} could not be processed; see Settings → Model to retry or discard ${dead === 1 ? 'it' : 'them'}.`,
        );
      }
    },
  };
}
