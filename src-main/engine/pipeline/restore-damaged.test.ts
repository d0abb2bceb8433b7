import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../contract';
import { systemClock } from '../clock';
import { BackupService } from '../data/backup';
import { memoryLogger } from '../log';
import { FakeGraph } from './testing/fake-graph';
import { call, publishedEvent } from './testing/call';
import { commentIntent, feedIntents, settled, startHarness, type Harness } from './testing/harness';

/**
 * The case that lost 631 signups: the data files are damaged while the app is stopped, and the
 * only backup is older than the latest signups. The app must restore the newest good backup,
 * rebuild what came after it from the comments, and never tell anyone twice.
 */
describe('a damaged data file at start', () => {
  let h: Harness;
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = new FakeGraph();
    h = await startHarness({ graph });
  });
  afterEach(() => h.cleanup());

  const person = (n: number) => ({ id: `7${String(n).padStart(4, '0')}`, name: `Vol${n} Person` });

  it('restores the newest backup, rebuilds later signups and people from the comments, and sends nothing again', async () => {
    const e = await publishedEvent(h.module, { capacity: 1000 });
    const postId = e.postId;
    const signUp = (from: number, to: number) =>
      feedIntents(h, Array.from({ length: to - from + 1 }, (_, i) => commentIntent({ postId, commentId: `${postId}_k${from + i}`, from: person(from + i), message: "I'm in", intent: 'signup' })));

    await signUp(1, 30);
    await settled(h);
    const backups = new BackupService({
      dataDir: h.dataDir, backupsDir: h.backupsDir, exportsDir: `${h.dataDir}-exports`, clock: systemClock, log: memoryLogger(),
      retentionDays: () => 14, flush: async () => void (await h.module.state()!.flush()),
    });
    await backups.backupNow();
    await signUp(31, 50);
    await settled(h);
    const before = (await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups.map((s) => s.volunteerName).sort();
    expect(before).toHaveLength(50);
    expect(graph.of('replyToComment')).toHaveLength(50);

    // Stopped; then both files are cut short (a disk full, a crash of the machine mid-write).
    await h.stop();
    for (const f of ['signups.json', 'volunteers.json']) {
      const file = path.join(h.dataDir, f);
      const text = await readFile(file, 'utf8');
      await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    }
    await h.restart();

    const after = (await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups.map((s) => s.volunteerName).sort();
    expect(after).toEqual(before);
    const comments = await call(h.module, 'comments.list', { eventId: e.id, limit: 1000 });
    expect(comments.every((c) => c.action === 'signed_up')).toBe(true);
    const report: HealthReport = { ok: true, redis: { up: true, mode: 'external', restarts: 0 }, model: { version: null }, queues: {}, streams: {}, facebook: { mode: 'demo' }, problems: [] };
    await h.module.health?.(report);
    expect(report.problems.join(' ')).toMatch(/20 signups and 20 people were rebuilt from the comments/);

    // A returning person comments again: found signed up, so no second "you're signed up".
    await feedIntents(h, [commentIntent({ postId, from: person(40), message: 'count me in!', intent: 'signup' })]);
    await settled(h);
    expect(graph.of('replyToComment')).toHaveLength(50);
    expect(graph.of('privateReply')).toHaveLength(50);
    const again = await call(h.module, 'comments.list', { eventId: e.id, limit: 1000 });
    expect(again.find((c) => c.message === 'count me in!')?.action).toBe('already_signed_up');
    // The restored files are on disk, so a second restart starts from them as they are.
    await h.restart();
    expect((await call(h.module, 'signups.list', { eventId: e.id })).slots[0]!.signups).toHaveLength(50);
  });
});
