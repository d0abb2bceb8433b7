import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { it } from 'vitest';
import { ROSTER_FILE_MAX_BYTES } from '../src-main/contract';
import { configFromEnv } from '../src-main/engine/config';
import { createEngine } from '../src-main/engine/engine';
import { memoryLogger } from '../src-main/engine/log';
import { hostileFile } from '../test/support/hostile-csv';
import { prng } from '../test/support/prng';
import { reportFigures, type BenchRow } from './support/report';
import { createDemoModule } from '../src-main/simulator/demo';

const TOKEN = 'bench-api-token-0123456789';
const TARGET_MS = 200;

interface ProbeResult {
  idle: number[];
  during: number[];
  importMs: number;
  statuses: number[];
}

/** A roster CSV just under the size limit, ~88,000 volunteers. */
function rosterFile(): Buffer {
  const parts = ['Name,Email,Tags,Notes'];
  let size = parts[0]!.length;
  for (let i = 0; ; i += 1) {
    const line = `\nPerson ${i},person${i}@example.test,driver; cook,Prefers mornings near the park and can bring a van on weekends`;
    if (size + line.length > ROSTER_FILE_MAX_BYTES - 1000) break;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''));
}

const percentile = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const round = (v: number): number => Math.round(v);

/**
 * Starts an engine on an empty store, then (from a worker thread, bench/support/healthz-probe.mjs,
 * so the engine's event loop carries only the engine) probes `/healthz` idle for 3 s, the
 * baseline of the same run, and then while the bodies are sent one after another.
 */
async function probeDuring(bodies: Buffer[]): Promise<ProbeResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-import-'));
  const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off', FB_GRAPH_URL: 'http://127.0.0.1:9' });
  const engine = createEngine({ demo: createDemoModule, config, log: memoryLogger() });
  await engine.start();
  try {
    const worker = new Worker(new URL('./support/healthz-probe.mjs', import.meta.url), { workerData: { url: engine.httpUrl, token: TOKEN, idleMs: 3000, bodies } });
    const r = await new Promise<ProbeResult>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    return r;
  } finally {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function healthzRows(r: ProbeResult, during: string): BenchRow[] {
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

/** The target: `/healthz` never slower than 200 ms during any import. */
it('/healthz during a 10 MB roster import', async () => {
  const file = rosterFile();
  const r = await probeDuring([Buffer.from(JSON.stringify({ file: file.toString('base64'), dryRun: false }))]);
  if (r.statuses[0] !== 200) throw new Error(`the import answered ${r.statuses[0]}`);
  reportFigures('Roster import', [
    { measure: `import of a ${(file.length / 1e6).toFixed(1)} MB roster (~88,000 new volunteers)`, value: round(r.importMs), unit: 'ms' },
    ...healthzRows(r, 'the import'),
  ]);
});

/**
 * The fuzz suite's hostile files (test/support/hostile-csv.ts, same seed), sent over HTTP as
 * the window sends them (80 % as a file's bytes, the rest as text; 80 % previews), one after
 * another. Every answer must be a 200 or a 400 with a reason: a 5xx fails the run.
 */
it('/healthz during 1,000 hostile roster imports', async () => {
  const rand = prng(20261203);
  const bodies: Buffer[] = [];
  let bytesIn = 0;
  for (let i = 0; i < 1000; i += 1) {
    const bytes = hostileFile(rand);
    bytesIn += bytes.length;
    const dryRun = rand() < 0.8;
    const args = rand() < 0.8 ? { file: bytes.toString('base64'), dryRun } : { csv: bytes.toString('utf8') || 'x', dryRun };
    bodies.push(Buffer.from(JSON.stringify(args)));
  }
  const r = await probeDuring(bodies);
  const count = (code: number): number => r.statuses.filter((s) => s === code).length;
  const unexpected = r.statuses.filter((s) => s !== 200 && s !== 400);
  if (unexpected.length > 0) throw new Error(`hostile imports answered ${[...new Set(unexpected)].join(', ')}`);
  reportFigures('Hostile roster imports', [
    { measure: `1,000 hostile files (${(bytesIn / 1e6).toFixed(1)} MB), ${count(200)} answered, ${count(400)} refused`, value: round(r.importMs), unit: 'ms' },
    ...healthzRows(r, 'the imports'),
  ]);
});
