import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { createKeys, type Keys } from '../../src-main/engine/keys';

export interface TestRedis {
  redis: Redis;
  url: string;
  /** A key prefix unique to this test, ending in ':' (e.g. `t:ab12cd:`). */
  prefix: string;
  keys: Keys;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

/** A client on the run's shared redis-server with a key prefix of its own. */
export async function testRedis(): Promise<TestRedis> {
  const url = inject('redisUrl');
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = `t:${randomBytes(4).toString('hex')}:`;
  return {
    redis,
    url,
    prefix,
    keys: createKeys(prefix),
    async cleanup() {
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (batch.length) await redis.del(...batch);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
