import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { memoryLogger } from '../log';
import { createConnectionPublisher, createConnectionWatcher, readConnection, type ConnectionRecord } from './graph-connection';
import { sealConnection, unsealConnection, workerKeyId, type PageConnection } from './graph-seal';

const KEY = 'operator-key-0123456789abcdef';
const OTHER = 'another-operator-key-9876543210';
const PAGE: PageConnection = { graphUrl: 'https://graph.facebook.com', graphVersion: 'v25.0', pageId: '1234567890', pageToken: 'EAAGpagetokenSECRET0123456789' };

describe('sealing the Page connection', () => {
  it('opens with the same key, never shows the token, and uses a fresh salt and nonce each time', () => {
    const a = sealConnection(KEY, PAGE);
    const b = sealConnection(KEY, PAGE);
    expect(JSON.stringify(a)).not.toContain(PAGE.pageToken);
    expect(JSON.stringify(a)).not.toContain(Buffer.from(PAGE.pageToken).toString('base64'));
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.salt).not.toBe(b.salt);
    expect(a.box).not.toBe(b.box);
    expect(unsealConnection(KEY, a)).toEqual({ ok: true, connection: PAGE });
  });

  it('tells a rotated key from a damaged record, and refuses a format it does not know', () => {
    const sealed = sealConnection(KEY, PAGE);
    const other = unsealConnection(OTHER, sealed);
    expect(other).toMatchObject({ ok: false, reason: 'other-key' });
    expect(!other.ok && other.message).toContain(workerKeyId(KEY));
    expect(!other.ok && other.message).not.toContain(KEY);

    const flipped = Buffer.from(sealed.box, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(unsealConnection(KEY, { ...sealed, box: flipped.toString('base64') })).toMatchObject({ ok: false, reason: 'damaged' });
    // The key id is public; forging it does not open the box for another key.
    expect(unsealConnection(OTHER, { ...sealed, kid: workerKeyId(OTHER) })).toMatchObject({ ok: false, reason: 'damaged' });
    expect(unsealConnection(KEY, { ...sealed, v: 2 })).toMatchObject({ ok: false, reason: 'newer-format' });
  });

  it('reads what a worker may use from the record', () => {
    expect(readConnection(null, KEY).connection).toBeNull();
    expect(readConnection('{not json', KEY).problem).toMatch(/not readable/);
    const live = JSON.stringify({ mode: 'live', sealed: sealConnection(KEY, PAGE) } satisfies ConnectionRecord);
    expect(readConnection(live, KEY).connection).toEqual(PAGE);
    // No key: no problem to report (a worker may be meant to classify only), but no connection.
    expect(readConnection(live, null)).toMatchObject({ connection: null, problem: null, note: expect.stringMatching(/no VOLUNTREE_WORKER_KEY/) });
    expect(readConnection(live, OTHER)).toMatchObject({ connection: null, problem: expect.stringMatching(/another VOLUNTREE_WORKER_KEY/) });
  });
});

describe('handing the connection to workers through Redis', () => {
  let t: TestRedis;
  beforeEach(async () => {
    t = await testRedis();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('seals again when the connection changes, deletes the key when it is removed, and the watcher follows', async () => {
    let live: PageConnection | null = PAGE;
    const listeners: Array<() => void> = [];
    const publisher = createConnectionPublisher({
      redis: t.redis, keys: t.keys, log: memoryLogger(), workerKey: KEY, demo: () => null, live: () => live,
      onChange: (cb) => (listeners.push(cb), () => undefined),
    });
    const log = memoryLogger();
    const watcher = createConnectionWatcher({ redis: t.redis, keys: t.keys, log, workerKey: KEY, watchMs: 60_000 });
    let changes = 0;
    watcher.onChange(() => (changes += 1));
    await publisher.start!();
    const raw = await t.redis.get(t.keys.graphConnection);
    expect(raw).not.toContain(PAGE.pageToken);
    expect(JSON.parse(raw!)).toMatchObject({ mode: 'live', sealed: { v: 1, kid: workerKeyId(KEY) } });
    await watcher.start!();
    expect(watcher.view().connection).toEqual(PAGE);
    expect(changes).toBe(1);

    live = { ...PAGE, pageToken: 'EAAGreplacedTOKEN' };
    await publisher.publish();
    await watcher.check();
    expect(watcher.view().connection?.pageToken).toBe('EAAGreplacedTOKEN');
    expect(changes).toBe(2);

    live = null;
    await publisher.publish();
    expect(await t.redis.exists(t.keys.graphConnection)).toBe(0);
    await watcher.check();
    expect(watcher.view().connection).toBeNull();
    expect(changes).toBe(3);
    await watcher.stop!();
    await publisher.stop!();
  });

  it('a worker with the wrong key says so once, however often it looks', async () => {
    await t.redis.set(t.keys.graphConnection, JSON.stringify({ mode: 'live', sealed: sealConnection(KEY, PAGE) }));
    const log = memoryLogger();
    const watcher = createConnectionWatcher({ redis: t.redis, keys: t.keys, log, workerKey: OTHER, watchMs: 60_000 });
    await watcher.start!();
    // The app re-seals every few seconds (a new nonce each time): still one line.
    for (let i = 0; i < 3; i++) {
      await t.redis.set(t.keys.graphConnection, JSON.stringify({ mode: 'live', sealed: sealConnection(KEY, PAGE) }));
      await watcher.check();
    }
    expect(watcher.view()).toMatchObject({ connection: null, problem: expect.stringMatching(/another VOLUNTREE_WORKER_KEY/) });
    expect(log.lines.filter((l) => /another VOLUNTREE_WORKER_KEY/.test(l))).toHaveLength(1);
    expect(log.lines.join('\n')).not.toContain(OTHER);
    await watcher.stop!();
  });

  it('offers the demo simulator without a key, and takes it back when the app stops', async () => {
    const sim: PageConnection = { graphUrl: 'http://127.0.0.1:5999', graphVersion: 'v25.0', pageId: '100000000000001', pageToken: 'demo-page-abc' };
    const publisher = createConnectionPublisher({ redis: t.redis, keys: t.keys, log: memoryLogger(), workerKey: null, demo: () => sim, live: () => null, onChange: () => () => undefined });
    await publisher.start!();
    const watcher = createConnectionWatcher({ redis: t.redis, keys: t.keys, log: memoryLogger(), workerKey: null, watchMs: 60_000 });
    await watcher.start!();
    expect(watcher.view().connection).toEqual(sim);
    await publisher.stop!();
    expect(await t.redis.exists(t.keys.graphConnection)).toBe(0);
    await watcher.check();
    expect(watcher.view().connection).toBeNull();
    await watcher.stop!();
  });

  it('without a worker key the app offers nothing in live mode (never the token in plain text)', async () => {
    await t.redis.set(t.keys.graphConnection, 'left from before');
    const publisher = createConnectionPublisher({ redis: t.redis, keys: t.keys, log: memoryLogger(), workerKey: null, demo: () => null, live: () => PAGE, onChange: () => () => undefined });
    await publisher.start!();
    expect(await t.redis.exists(t.keys.graphConnection)).toBe(0);
    await publisher.stop!();
  });
});
