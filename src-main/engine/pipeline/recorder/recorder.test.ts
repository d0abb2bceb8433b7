import { mkdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../../contract';
import { call } from '../testing/call';
import { FakeGraph } from '../testing/fake-graph';
import { commentIntent, feedIntents, settled, startHarness, until, type Harness } from '../testing/harness';

describe('recorder', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.cleanup();
    h = null;
  });

  it('publishes a batch live only once its comments are on disk', async () => {
    // What was on disk and on the screen at the moment each batch's write completed.
    const atWrite: { onDisk: string[]; shown: string[] }[] = [];
    let harness: Harness | null = null;
    const shownComments = (live: LiveMessage[]): string[] =>
      live.flatMap((m) => (m.event === 'comment.received' ? [(m.payload as { comment: { id: string } }).comment.id] : []));
    h = await startHarness({
      graph: new FakeGraph(),
      options: {
        afterRecorderWrite: async () => {
          const file = JSON.parse(await readFile(path.join(harness!.dataDir, 'comments.json'), 'utf8')) as Record<string, unknown>;
          atWrite.push({ onDisk: Object.keys(file), shown: shownComments(harness!.live) });
        },
      },
    });
    harness = h;
    const start = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const e = await call(h.module, 'events.create', {
      title: 'Food drive',
      slots: [{ title: 'All day', start: start.toISOString(), end: new Date(start.getTime() + 8 * 3600 * 1000).toISOString(), capacity: 50 }],
    });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h!.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    for (let round = 0; round < 3; round += 1) {
      const entries = Array.from({ length: 5 }, (_, i) =>
        commentIntent({ postId, commentId: `${postId}_${round}${i}`, from: { id: `7${round}${i}`, name: `Person ${round}${i}` }, message: 'count me in', intent: 'signup' }),
      );
      await feedIntents(h, entries);
      await until('the comments are shown', () => entries.every((x) => shownComments(h!.live).includes(x.item.kind === 'comment' ? x.item.commentId : '')));
    }
    await settled(h);
    expect(atWrite.length).toBeGreaterThan(0);
    for (const w of atWrite) {
      // Whatever the screen had been told about was already in the file.
      for (const id of w.shown) expect(w.onDisk).toContain(id);
    }
    // And a batch's own comments were not shown before its write: at some write, comments on
    // disk were not yet on the screen.
    expect(atWrite.some((w) => w.onDisk.some((id) => !w.shown.includes(id)))).toBe(true);
    expect(shownComments(h.live)).toHaveLength(15);
  });

  it('keeps a batch it cannot write and writes it once the disk takes it again, never dead-lettering it', async () => {
    h = await startHarness({ graph: new FakeGraph() });
    const start = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const e = await call(h.module, 'events.create', {
      title: 'Food drive',
      slots: [{ title: 'All day', start: start.toISOString(), end: new Date(start.getTime() + 8 * 3600 * 1000).toISOString(), capacity: 50 }],
    });
    await call(h.module, 'events.publish', { id: e.id });
    await until('published', async () => (await call(h!.module, 'events.get', { id: e.id })).status === 'published');
    const postId = (await call(h.module, 'events.get', { id: e.id })).postId!;
    // A directory where the write's temporary file must go fails the write, even for root.
    const blocker = path.join(h.dataDir, 'comments.json.tmp');
    await mkdir(blocker);
    const entries = Array.from({ length: 4 }, (_, i) =>
      commentIntent({ postId, commentId: `${postId}_w${i}`, from: { id: `8${i}`, name: `Writer ${i}` }, message: 'count me in', intent: 'signup' }),
    );
    await feedIntents(h, entries);
    // Longer than the consumer's retries of a failed batch (5 deliveries, 500 ms apart) would last.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await h.t.redis.xlen(h.t.keys.streamDead)).toBe(0);
    await rmdir(blocker);
    await settled(h);
    const file = JSON.parse(await readFile(path.join(h.dataDir, 'comments.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(file).sort()).toEqual(entries.map((x) => (x.item.kind === 'comment' ? x.item.commentId : '')).sort());
    expect(await h.t.redis.xlen(h.t.keys.streamDead)).toBe(0);
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toHaveLength(4);
  });
});
