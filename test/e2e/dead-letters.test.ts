import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedisServer, type TestRedisServer } from '../support/redis-server';
import { startApp, type RunningApp } from './support/app';
import { launchBrowser, openApp, screenshot } from './support/browser';

// The app runs on a redis-server of this test's own (REDIS_URL), so the test can put records
// in the dead-letter stream the way the pipeline's consumers do.
describe('comments that could not be processed (Settings → Model)', () => {
  let server: TestRedisServer;
  let app: RunningApp;
  let browser: Browser;
  let redis: Redis;
  beforeAll(async () => {
    server = await startTestRedisServer();
    redis = new Redis(server.url);
    app = await startApp({ env: { REDIS_URL: server.url } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    redis?.disconnect();
    await server?.stop();
  });

  it('lists them with their reason, puts one back with Retry and deletes another with Discard', async () => {
    const comment = {
      kind: 'comment', commentId: 'post9_c1', postId: 'post9', parentId: 'post9', verb: 'add', from: { id: 'u1', name: 'Maria Lopez' },
      message: 'Count me in for Saturday!', createdTime: 1_700_000_000_000, receivedAt: 1_700_000_000_000, pageId: 'page',
    };
    const record = (payload: string, reason: string) => JSON.stringify({ source: 'vt:stream:ingest', group: 'preprocess', id: '1-0', reason, deliveries: 5, payload, at: Date.now() - 60_000 });
    await redis.xadd('vt:stream:dead', '*', 'p', record(JSON.stringify(comment), 'failed 5 times: the event store was not writable'));
    await redis.xadd('vt:stream:dead', '*', 'p', record(JSON.stringify({ kind: 'comment', message: 'half a comment' }), 'malformed entry: commentId: Invalid input'));
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { problems: string[] };
    expect(health.problems).toContain('2 comments or messages could not be processed; see Settings → Model to retry or discard them.');

    const { page, errors } = await openApp(browser, app, '#/settings/model');
    const rows = page.getByTestId('dead-letter');
    await expect.poll(() => rows.count()).toBe(2);
    const maria = rows.filter({ hasText: 'Maria Lopez' });
    expect(await maria.innerText()).toMatch(/Count me in for Saturday![\s\S]*Failed while reading it: failed 5 times: the event store was not writable/);
    await page.getByTestId('dead-letters').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-model-not-processed');

    await maria.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(() => page.getByTestId('dead-letters').innerText()).toMatch(/1 put back to be processed again/);
    // Back on the ingest stream, and taken from there by the pipeline.
    await expect.poll(async () => (await redis.xlen('vt:stream:dead')) + (await redis.xlen('vt:stream:ingest'))).toBe(1);

    await rows.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => page.getByTestId('dead-letters').innerText()).toMatch(/Everything was processed/);
    expect(await redis.xlen('vt:stream:dead')).toBe(0);
    expect(errors).toEqual([]);
  });
});
