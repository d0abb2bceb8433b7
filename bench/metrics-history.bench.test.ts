import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { ManualClock } from '../src-main/engine/clock';
import { memoryLogger } from '../src-main/engine/log';
import { MetricHistory } from '../src-main/engine/metrics/history';
import { Store } from '../src-main/engine/store/store';
import { reportFigures } from './support/report';

// A long history: 100 events × 7 nodes, 1,000 points each (what the old store held at its cap),
// spread over 10 days. A flush adds 500 points (the flush threshold).
const NODES = 700;
const POINTS = 1000;
const FLUSH = 500;
const ROUNDS = 5;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Metric history: one flush of new points into a long history, appended to one file per node
 * and day, beside the store of earlier versions (one lowdb file rewritten whole per flush),
 * both in the same run on the same folder's disk.
 */
it('metric history flush with a long history', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-history-'));
  const log = memoryLogger();
  try {
    // Baseline: the old layout, series of [at, value, 'i' | 'c'] in one lowdb file.
    const store = new Store(path.join(dir, 'old'), log);
    const col = await store.collection<{ series: { node: string; points: [number, number, 'i' | 'c'][] }[] }>('metric-history-old', () => ({ series: [] }));
    for (let n = 0; n < NODES; n += 1) {
      col.data.series.push({ node: `event:${n % 100}:n${n}`, points: Array.from({ length: POINTS }, (_, i) => [T0 + (i * 10 * DAY) / POINTS, i, 'i'] as [number, number, 'i']) });
    }
    await col.write();
    const rewrite: number[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      for (let i = 0; i < FLUSH; i += 1) col.data.series[(i * 7) % NODES]!.points.push([T0 + 10 * DAY + r * 1000 + i, i, 'c']);
      const s = performance.now();
      await col.write();
      rewrite.push(performance.now() - s);
    }

    const clock = new ManualClock(T0 + 10 * DAY);
    const history = await MetricHistory.open(path.join(dir, 'new'), clock, log, { flushMs: 3600_000, flushAt: Number.MAX_SAFE_INTEGER });
    for (let n = 0; n < NODES; n += 1) for (let i = 0; i < POINTS; i += 1) history.append(`event:${n % 100}:n${n}`, { at: T0 + (i * 10 * DAY) / POINTS, value: i, source: 'input' });
    await history.flush();
    const flushFew: number[] = [];
    const flushMany: number[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      // A busy moment: the counts of 10 events (70 nodes) change many times.
      for (let i = 0; i < FLUSH; i += 1) history.append(`event:${i % 10}:n${(i % 70) * 10 + (i % 10)}`, { at: T0 + 10 * DAY + r * 1000 + i, value: i, source: 'computed' });
      let s = performance.now();
      await history.flush();
      flushFew.push(performance.now() - s);
      // The worst case: every point on a node of its own.
      for (let i = 0; i < FLUSH; i += 1) history.append(`event:${i % 100}:n${(i * 7) % NODES}`, { at: T0 + 10 * DAY + r * 1000 + i, value: i, source: 'computed' });
      s = performance.now();
      await history.flush();
      flushMany.push(performance.now() - s);
    }
    let s = performance.now();
    const day = await history.read('event:3:n3', { limit: 1000, from: T0 + 4 * DAY, to: T0 + 5 * DAY - 1 });
    const readDay = performance.now() - s;
    s = performance.now();
    await history.readMany(
      Array.from({ length: NODES }, (_, n) => `event:${n % 100}:n${n}`),
      { limit: 200 },
    );
    const readAll = performance.now() - s;

    reportFigures('metric history', [
      { measure: `flush of ${FLUSH} points, ${NODES} nodes × ${POINTS} held, 70 nodes touched`, value: median(flushFew), unit: 'ms', baseline: { label: 'old single file rewritten whole', value: median(rewrite) } },
      { measure: `flush of ${FLUSH} points, each on another node (${FLUSH} fsyncs)`, value: median(flushMany), unit: 'ms', baseline: { label: 'old single file rewritten whole', value: median(rewrite) } },
      { measure: `read one node's day (${day.length} points, one file)`, value: readDay, unit: 'ms' },
      { measure: `last 200 points of all ${NODES} nodes (screen load)`, value: readAll, unit: 'ms' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 300_000);
