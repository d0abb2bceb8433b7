import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { createDemoModule } from '../../src-main/simulator/demo';
import type { BenchRow } from './report';

export const TOKEN = 'bench-api-token-0123456789';
export const TARGET_MS = 200;

/** A POST for the prober: bytes of a volunteers.importCsv request, or any path with its headers. */
export type ProbeBody = Buffer | { path: string; headers: Record<string, string>; body: Buffer };

export interface ProbeResult {
  idle: number[];
  during: number[];
  importMs: number;
  statuses: number[];
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
export const round = (v: number): number => Math.round(v);

/**
 * Starts an engine on an empty store, then (from a worker thread, bench/support/healthz-probe.mjs,
 * so the engine's event loop carries only the engine) probes `/healthz` idle for 3 s, the
 * baseline of the same run, and then while the bodies are sent one after another.
 */
export async function probeDuring(build: (engine: Engine) => ProbeBody[] | Promise<ProbeBody[]>): Promise<ProbeResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-healthz-'));
  const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off', FB_GRAPH_URL: 'http://127.0.0.1:9' });
  const engine = createEngine({ demo: createDemoModule, config, log: memoryLogger() });
  await engine.start();
  try {
    const bodies = await build(engine);
    const worker = new Worker(new URL('./healthz-probe.mjs', import.meta.url), { workerData: { url: engine.httpUrl, token: TOKEN, idleMs: 3000, bodies } });
    const r = await new Promise<ProbeResult>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    return r;
  } finally {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function healthzRows(r: ProbeResult, during: string): BenchRow[] {
  const worst = Math.max(...r.during);
  return [
    {
      measure: `/healthz worst during ${during} (${r.during.length} probes)`, value: round(worst), unit: 'ms',
      baseline: { label: `/healthz worst idle (${r.idle.length} probes)`, value: round(Math.max(...r.idle)) }, target: `<= ${TARGET_MS} ms`, met: worst <= TARGET_MS,
    },
    { measure: `/healthz p99 during ${during}`, value: round(percentile(r.during, 99)), unit: 'ms', baseline: { label: '/healthz p99 idle', value: round(percentile(r.idle, 99)) } },
    { measure: `/healthz median during ${during}`, value: round(percentile(r.during, 50)), unit: 'ms', baseline: { label: '/healthz median idle', value: round(percentile(r.idle, 50)) } },
  ];
}

