import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedPage } from '../../contract/feed';
import { configFromEnv } from '../config';
import { createEngine, type Engine } from '../engine';
import { memoryLogger } from '../log';
import { act } from './test-support/fixtures';
import { isolate } from '../bidi';
import { pipelineActivitiesGoneFromFeed } from '../wiring';
import { createDemoModule } from '../../simulator/demo';

/** The feed as the rest of the app reaches it: the engine's services and its RPC methods. */
describe('feed in the engine', () => {
  let engine: Engine;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-feed-engine-'));
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_TUNNEL: 'off', FB_GRAPH_URL: 'http://127.0.0.1:9' });
    engine = createEngine({ demo: createDemoModule, config, log: memoryLogger(), http: false });
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records through the service and reads through feed.get', async () => {
    const feed = engine.services?.feed;
    expect(feed).toBeTruthy();
    const now = Date.now();
    await feed!.record([act('1', 'maria', 'signed_up', 'beach', now - 2), act('2', 'maria', 'signed_up', 'park', now - 1)]);
    const page = (await engine.call('feed.get', { feed: 'org' })) as FeedPage;
    expect(page.items.map((i) => i.sentence)).toEqual([`${isolate('Maria Lopez')} signed up for 2 events today`]);
    await expect(engine.call('feed.get', { feed: 'nobody' })).rejects.toMatchObject({ code: 'bad_arguments' });
    expect(engine.missingHandlers().filter((m) => m.startsWith('feed.'))).toEqual([]);
  });

  it('takes a removed comment\'s activity out of every feed, once, and skips ones it never had', async () => {
    const feed = engine.services!.feed!;
    const now = Date.now();
    await feed.record([act('commented:c1', 'ana', 'commented', 'beach', now - 5), act('commented:c2', 'sam', 'commented', 'beach', now - 4)]);
    const sentences = async () => ((await engine.call('feed.get', { feed: 'org' })) as FeedPage).items.map((i) => i.sentence).join(' | ');
    expect(await sentences()).toMatch(/Ana/);
    const log = memoryLogger();
    const takeBack = pipelineActivitiesGoneFromFeed(feed, log);
    await takeBack(['commented:c1', 'commented:never-recorded']);
    expect(await sentences()).not.toMatch(/Ana/);
    expect(await sentences()).toMatch(/Sam/);
    // A replayed removal changes nothing and logs no problem.
    await takeBack(['commented:c1']);
    expect(await sentences()).toMatch(/Sam/);
    expect(log.lines.filter((l) => l.includes('could not take back'))).toEqual([]);
  });

  it("takes a removed signup's activities out by reference, whatever time their ids end in", async () => {
    const feed = engine.services!.feed!;
    const now = Date.now();
    await feed.record([act(`signed_up:s_9:${now - 3}`, 'joe', 'signed_up', 'park', now - 3), act(`signed_up:s_90:${now - 2}`, 'lee', 'signed_up', 'food', now - 2)]);
    const joe = async () => ((await engine.call('feed.get', { feed: 'volunteer:joe' })) as FeedPage).items.length;
    expect(await joe()).toBe(1);
    const log = memoryLogger();
    await pipelineActivitiesGoneFromFeed(feed, log)(['signed_up:s_9', 'promoted:s_9']);
    expect(await joe()).toBe(0);
    // Another signup whose id starts the same stays.
    expect(((await engine.call('feed.get', { feed: 'volunteer:lee' })) as FeedPage).items.map((i) => i.sentence).join()).toMatch(/Food Drive/);
    expect(log.lines.filter((l) => l.includes('could not take back'))).toEqual([]);
  });
});
