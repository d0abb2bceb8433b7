import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { it } from 'vitest';
import { configFromEnv } from '../src-main/engine/config';
import { createEngine } from '../src-main/engine/engine';
import { memoryLogger } from '../src-main/engine/log';
import { freePort } from '../src-main/engine/redis/supervisor';
import { reportFigures } from './support/report';
import { createDemoModule } from '../src-main/simulator/demo';

/** Bare redis-server: spawn → first PONG. The floor under the engine's cold start. */
async function bareRedisStartMs(): Promise<number> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-redis-'));
  const t0 = performance.now();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' });
  try {
    for (;;) {
      const c = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        if ((await c.ping()) === 'PONG') return performance.now() - t0;
      } catch {
        await new Promise((r) => setTimeout(r, 10));
      } finally {
        c.disconnect();
      }
    }
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

it('cold start to ready', async () => {
  const runs = 5;
  const engineMs: number[] = [];
  const bareMs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    bareMs.push(await bareRedisStartMs());
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-bench-engine-'));
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TUNNEL: 'off', FB_GRAPH_URL: 'http://127.0.0.1:9' });
    const engine = createEngine({ demo: createDemoModule, config, log: memoryLogger() });
    const t0 = performance.now();
    await engine.start();
    engineMs.push(performance.now() - t0);
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = median(engineMs);
  reportFigures('Engine', [
    {
      measure: `cold start to ready (Redis up, gears, store, modules), median of ${runs}`,
      value: Math.round(m),
      unit: 'ms',
      baseline: { label: 'bare redis-server to first PONG', value: Math.round(median(bareMs)) },
      target: '<= 3000 ms',
      met: m <= 3000,
    },
  ]);
});
