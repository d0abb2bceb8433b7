import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock';
import { memoryLogger } from '../log';
import { HISTORY_FOLDER, MetricHistory, nodeFolder } from './history';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('metric history (one file per node and day)', () => {
  let dir: string;
  let clock: ManualClock;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-history-'));
    clock = new ManualClock(T0);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (opts = {}) => MetricHistory.open(dir, clock, memoryLogger(), { flushMs: 60_000, flushAt: 100_000, ...opts });
  const dayFile = (node: string, day: string) => path.join(dir, HISTORY_FOLDER, nodeFolder(node), `${day}.jsonl`);

  it('keeps every point (no cap), appending only the new lines on each flush', async () => {
    const h = await open();
    for (let i = 0; i < 3000; i += 1) h.append('A', { at: T0 + i, value: i, source: 'input' });
    await h.flush();
    const size = statSync(dayFile('A', '2026-12-01')).size;
    h.append('A', { at: T0 + 5000, value: 7, source: 'computed' });
    await h.flush();
    // The old file was rewritten whole: here the file only grew by the new line.
    expect(statSync(dayFile('A', '2026-12-01')).size).toBe(size + '[1764590405000,7,"c"]\n'.length);
    const again = await open();
    const all = await again.read('A', { limit: 10_000 });
    expect(all).toHaveLength(3001);
    expect(all.at(-1)).toEqual({ at: T0 + 5000, value: 7, source: 'computed' });
    expect((await again.read('A', { limit: 2 })).map((p) => p.value)).toEqual([2999, 7]);
  });

  it('reads a time range from the files of its days only, spread over the range', async () => {
    const h = await open();
    for (let d = 0; d < 10; d += 1) for (let i = 0; i < 24; i += 1) h.append('A', { at: T0 - d * DAY + i * 60_000, value: d * 100 + i, source: 'input' });
    h.append('B', { at: T0, value: 1, source: 'input' });
    await h.flush();
    expect(readdirSync(path.join(dir, HISTORY_FOLDER, nodeFolder('A'))).filter((f) => f.endsWith('.jsonl'))).toHaveLength(10);
    // A day outside the range that cannot be parsed is never read, so it cannot disturb it.
    writeFileSync(dayFile('A', '2026-11-25'), 'not json at all\n');
    const day = await h.read('A', { limit: 1000, from: T0 - DAY, to: T0 - 1 });
    expect(day.map((p) => p.value)).toEqual([...Array(24).keys()].map((i) => 100 + i));
    expect(h.skippedLines).toBe(0);
    const spread = await h.read('A', { limit: 5, from: T0 - DAY, to: T0 + DAY });
    expect(spread.map((p) => p.value)).toEqual([100, 112, 0, 11, 23]);
    expect(await h.read('A', { limit: 10, from: T0 + DAY })).toEqual([]);
  });

  it('skips a line a crash cut short, counts it, and keeps appending on a line of its own', async () => {
    const h = await open();
    h.append('A', { at: T0, value: 1, source: 'input' });
    await h.flush();
    appendFileSync(dayFile('A', '2026-12-01'), '[1764590400500,2,"i');
    const after = await open();
    after.append('A', { at: T0 + 1000, value: 3, source: 'input' });
    await after.flush();
    expect((await after.read('A', { limit: 10 })).map((p) => p.value)).toEqual([1, 3]);
    expect(after.skippedLines).toBe(1);
    expect(readFileSync(dayFile('A', '2026-12-01'), 'utf8').split('\n')).toHaveLength(4);
  });

  it('deletes days older than the retention, and at once when the retention is lowered', async () => {
    const h = await open({ retentionDays: 30 });
    for (let d = 0; d < 40; d += 1) h.append('A', { at: T0 - d * DAY, value: d, source: 'input' });
    h.append('old', { at: T0 - 35 * DAY, value: 1, source: 'input' });
    await h.flush();
    clock.advance(DAY);
    h.append('A', { at: T0 + DAY, value: -1, source: 'input' });
    await h.flush();
    const kept = await h.read('A', { limit: 100 });
    expect(kept.map((p) => p.value)).toEqual([...Array(29).keys()].map((i) => 28 - i).concat(-1));
    expect(h.nodes()).not.toContain('old');
    await h.setRetention(2);
    expect((await h.read('A', { limit: 100 })).map((p) => p.value)).toEqual([0, -1]);
  });

  it('migrates the single file of earlier versions once, keeping it renamed', async () => {
    const series = [
      { node: 'A', points: [[T0 - DAY, 1, 'i'], [T0, 2, 'c'], ['bad']] },
      { node: '__proto__', points: [[T0, 5, 'i']] },
    ];
    writeFileSync(path.join(dir, 'metric-history.json'), JSON.stringify({ series }));
    const h = await open();
    expect((await h.read('A', { limit: 10 })).map((p) => `${p.value}:${p.source}`)).toEqual(['1:input', '2:computed']);
    expect(await h.read('__proto__', { limit: 10 })).toEqual([{ at: T0, value: 5, source: 'input' }]);
    expect(existsSync(path.join(dir, 'metric-history.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'metric-history.json.migrated'))).toBe(true);
    const again = await open();
    expect(await again.read('A', { limit: 10 })).toHaveLength(2);
  });

  it('gives ids that differ in case or hold path characters folders of their own', async () => {
    expect(new Set(['A', 'a', '..', 'event:1:x', 'event.1.x'].map(nodeFolder)).size).toBe(5);
    expect(nodeFolder('..')).not.toContain('.');
    expect(nodeFolder('X'.repeat(200)).length).toBeLessThan(130);
    const h = await open();
    h.append('..', { at: T0, value: 1, source: 'input' });
    await h.flush();
    expect(readdirSync(dir)).toEqual([HISTORY_FOLDER]);
    expect((await (await open()).read('..', { limit: 5 })).map((p) => p.value)).toEqual([1]);
  });

  it('forgets a removed node, files and waiting points', async () => {
    const h = await open();
    h.append('A', { at: T0, value: 1, source: 'input' });
    await h.flush();
    h.append('A', { at: T0 + 1, value: 2, source: 'input' });
    await h.forget('A');
    await h.flush();
    expect(h.nodes()).toEqual([]);
    expect(await (await open()).read('A', { limit: 5 })).toEqual([]);
  });
});
