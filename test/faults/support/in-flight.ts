import { Redis } from 'ioredis';
import { createKeys } from '../../../src-main/engine/keys';
import { CLASSIFIER_GROUP } from '../../../src-main/engine/pipeline/stages/classify';
import { PREPROCESS_GROUP } from '../../../src-main/engine/pipeline/stages/preprocess';
import { RECORDER_GROUP } from '../../../src-main/engine/pipeline/stages/record';
import { redisUrlOf, sleep, type VoluntreeProcess } from './processes';

const keys = createKeys();

/** The pipeline's consumer groups, each on its stream (names as the app uses them). */
export const STAGES = {
  preprocess: { stream: keys.streamIngest, group: PREPROCESS_GROUP },
  classifier: { stream: keys.streamComments, group: CLASSIFIER_GROUP },
  recorder: { stream: keys.streamIntents, group: RECORDER_GROUP },
} as const;
export type Stage = keyof typeof STAGES;

/** A command client on the app's supervised Redis (read from the data folder: it may move on restart). */
export function appRedis(dataDir: string): Redis {
  const r = new Redis(redisUrlOf(dataDir), { maxRetriesPerRequest: 1, lazyConnect: false });
  r.on('error', () => undefined);
  return r;
}

/**
 * Entries of a stage that were delivered to a consumer and not acknowledged, per consumer name
 * (XPENDING's summary form). A consumer's name holds its process id (`group:host:pid:random`).
 */
export async function pendingByConsumer(redis: Redis, stage: Stage): Promise<Map<string, number>> {
  const { stream, group } = STAGES[stage];
  const out = new Map<string, number>();
  let reply: unknown;
  try {
    reply = await redis.call('XPENDING', stream, group);
  } catch {
    return out; // the group does not exist yet
  }
  const consumers = Array.isArray(reply) ? reply[3] : null;
  if (Array.isArray(consumers)) {
    for (const c of consumers as unknown[]) {
      if (Array.isArray(c)) out.set(String(c[0]), Number(c[1]));
    }
  }
  return out;
}

/** How many entries of the given stages the process with `pid` holds unacknowledged. */
export async function heldBy(redis: Redis, pid: number, stages: readonly Stage[]): Promise<number> {
  let n = 0;
  for (const stage of stages) {
    for (const [name, count] of await pendingByConsumer(redis, stage)) if (name.includes(`:${pid}:`)) n += count;
  }
  return n;
}

/** Waits until the process with `pid` has joined every given stage's consumer group (it is reading). */
export async function waitJoined(dataDir: string, pid: number, stages: readonly Stage[], timeoutMs = 30_000): Promise<void> {
  const redis = appRedis(dataDir);
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      let joined = 0;
      for (const stage of stages) {
        const { stream, group } = STAGES[stage];
        const list = (await redis.call('XINFO', 'CONSUMERS', stream, group).catch(() => [])) as unknown[];
        if (JSON.stringify(list).includes(`:${pid}:`)) joined += 1;
      }
      if (joined === stages.length) return;
      await sleep(100);
    }
    throw new Error(`process ${pid} did not join ${stages.join(', ')} within ${timeoutMs} ms`);
  } finally {
    redis.disconnect();
  }
}

/**
 * SIGKILLs a process at a moment it holds stream entries it has read and not acknowledged,
 * and says how many. The process is frozen (SIGSTOP) first, so the count read from Redis is
 * exactly what it held when it died: a frozen process sends nothing more, while Redis may still
 * hand its blocked read new entries (read by it, never processed: a batch in hand). When it holds
 * nothing it is let go (SIGCONT) and caught again a moment later.
 */
export async function killHolding(
  proc: VoluntreeProcess,
  dataDir: string,
  stages: readonly Stage[],
  opts: { freezeMs: number; tries?: number; beforeKill?: () => Promise<void> },
): Promise<{ held: number; tries: number }> {
  const pid = proc.pid;
  if (pid === null || !proc.running()) throw new Error('the process to kill is not running');
  const redis = appRedis(dataDir);
  const tries = opts.tries ?? 60;
  let frozen = false;
  try {
    for (let attempt = 1; attempt <= tries; attempt += 1) {
      process.kill(pid, 'SIGSTOP');
      frozen = true;
      // Commands it sent just before freezing still reach Redis; count after they land.
      await sleep(20);
      const end = Date.now() + opts.freezeMs;
      for (;;) {
        const held = await heldBy(redis, pid, stages);
        if (held > 0) {
          await opts.beforeKill?.();
          await proc.kill('SIGKILL');
          frozen = false;
          return { held, tries: attempt };
        }
        if (Date.now() >= end) break;
        await sleep(10);
      }
      process.kill(pid, 'SIGCONT');
      frozen = false;
      await sleep(30 + ((attempt * 37) % 120));
    }
  } finally {
    // Never leave it frozen: a stopped process would not even answer SIGTERM at the end.
    if (frozen && proc.running()) process.kill(pid, 'SIGCONT');
    redis.disconnect();
  }
  throw new Error(`never caught process ${pid} holding entries of ${stages.join(', ')} in ${tries} tries`);
}
