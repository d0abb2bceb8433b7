import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedPage } from '../contract/feed';
import { configFromEnv } from '../engine/config';
import { createEngine, type Engine } from '../engine/engine';
import { memoryLogger } from '../engine/log';
import { createClient } from '../engine/redis/endpoint';
import { rebuildFeeds } from './rebuild-feeds';
import { createDemoModule } from '../simulator/demo';

const TOKEN = 'rebuild-test-token-123456';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** `voluntree rebuild-feeds` against a real engine on a real data folder and its supervised Redis. */
describe('voluntree rebuild-feeds', () => {
  let dataDir: string;
  let engine: Engine;
  let port: number;
  const log = memoryLogger();

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-rebuild-'));
    port = await freePort();
    engine = createEngine({ demo: createDemoModule, config: configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: String(port), VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off' }), log });
    await engine.start();
    const now = Date.now();
    await engine.services!.feed!.record([
      { id: 't1', actor: { id: 'maria', name: 'Maria Lopez' }, verb: 'signed_up', object: { type: 'event', id: 'beach', title: 'Beach Cleanup' }, time: now - 2000 },
      { id: 't2', actor: { id: 'maria', name: 'Maria Lopez' }, verb: 'signed_up', object: { type: 'event', id: 'park', title: 'Park Planting' }, time: now - 1000 },
      { id: 't3', actor: { id: 'sam', name: 'Sam Lee' }, verb: 'commented', object: { type: 'event', id: 'beach', title: 'Beach Cleanup' }, time: now },
    ]);
  });

  afterAll(async () => {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_TUNNEL: 'off', ...extra });
  const org = async () => ((await engine.call('feed.get', { feed: 'org' })) as FeedPage).items.map((i) => i.sentence);

  it('asks the running app, which refills the feeds Redis lost', async () => {
    const before = await org();
    expect(before).toHaveLength(2);
    const c = createClient(engine.redisEndpoint!, 'command');
    const keys = await c.keys('vt:feed:*');
    await c.del(...keys);
    c.disconnect();
    expect(await org()).toEqual([]);
    const r = await rebuildFeeds(env({ VOLUNTREE_PORT: String(port), VOLUNTREE_TOKEN: TOKEN }), log);
    expect(r).toMatchObject({ via: 'app', activities: 3, follows: 0 });
    expect(await org()).toEqual(before);
  });

  it('says which token it needs when the app runs, and when the token is wrong', async () => {
    await expect(rebuildFeeds(env({ VOLUNTREE_PORT: String(port) }), log)).rejects.toThrow(/VOLUNTREE_TOKEN/);
    await expect(rebuildFeeds(env({ VOLUNTREE_PORT: String(port), VOLUNTREE_TOKEN: 'wrong-token-1234567' }), log)).rejects.toThrow(/refused VOLUNTREE_TOKEN/);
    await expect(rebuildFeeds(env({ VOLUNTREE_URL: `http://127.0.0.1:${await freePort()}` }), log)).rejects.toThrow(/No Voluntree answers/);
  });

  it('refuses to touch the data folder of an app it cannot reach (a second engine would take its Redis)', async () => {
    await expect(rebuildFeeds(env({ VOLUNTREE_PORT: String(await freePort()) }), log)).rejects.toThrow(/is running on .* but not at/);
    // The app and its Redis are untouched.
    expect(await org()).toHaveLength(2);
  });

  it('rebuilds on the data folder itself once the app has stopped', async () => {
    await engine.stop();
    const r = await rebuildFeeds(env({ VOLUNTREE_PORT: String(await freePort()) }), log);
    expect(r).toMatchObject({ via: 'offline', activities: 3 });
    // The folder is free again: the app starts on it and finds the feeds.
    engine = createEngine({ demo: createDemoModule, config: configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: String(port), VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off' }), log });
    await engine.start();
    expect(await org()).toHaveLength(2);
  });
});
