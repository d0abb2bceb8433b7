import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../log';
import { Store } from '../store/store';
import { MetricHistory } from './history';

describe('metric history', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-history-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes in batches and keeps a capped series per node', async () => {
    const store = new Store(dir, memoryLogger());
    const history = await MetricHistory.open(store, memoryLogger(), { capPerNode: 100, flushMs: 60_000, flushAt: 1000 });
    const col = await store.collection('metric-history', () => ({}));
    const writesBefore = col.writes;
    for (let i = 0; i < 950; i += 1) history.append(i % 2 ? 'A' : 'B', { at: i, value: i, source: i % 3 ? 'input' : 'computed' });
    expect(col.writes).toBe(writesBefore);
    await history.flush();
    expect(col.writes).toBe(writesBefore + 1);
    const a = history.read('A', 1000);
    expect(a.length).toBeLessThanOrEqual(100);
    expect(a.at(-1)).toEqual({ at: 949, value: 949, source: 'input' });
    expect(history.read('A', 3).map((p) => p.at)).toEqual([945, 947, 949]);
    const file = JSON.parse(readFileSync(path.join(dir, 'metric-history.json'), 'utf8')) as { series: { node: string; points: unknown[] }[] };
    expect(file.series.map((s) => s.node).sort()).toEqual(['A', 'B']);
    expect(file.series.every((s) => s.points.length <= 110)).toBe(true);
  });

  it('writes at once when many points are waiting, and reopens what it wrote', async () => {
    const store = new Store(dir, memoryLogger());
    const history = await MetricHistory.open(store, memoryLogger(), { flushMs: 60_000, flushAt: 10 });
    for (let i = 0; i < 10; i += 1) history.append('__proto__', { at: i, value: i, source: 'input' });
    await store.flush();
    const again = await MetricHistory.open(new Store(dir, memoryLogger()), memoryLogger());
    expect(again.read('__proto__', 100)).toHaveLength(10);
  });
});
