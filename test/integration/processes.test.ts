import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthReport } from '../../src-main/contract';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { testRedis, type TestRedis } from '../support/redis';

/** The app and a `voluntree worker` on one Redis: /healthz lists both while they live. */
describe('/healthz lists the live processes', () => {
  let t: TestRedis;
  let app: Engine;
  let worker: Engine;
  const dirs: string[] = [];

  const engine = (role: 'app' | 'worker', env: Record<string, string> = {}): Engine => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `vt-proc-${role}-`));
    dirs.push(dataDir);
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: 'proc-token-0123456789', VOLUNTREE_TUNNEL: 'off', REDIS_URL: t.url, ...env });
    return createEngine({ config, role, log: memoryLogger(), prefix: t.prefix });
  };

  beforeAll(async () => {
    t = await testRedis();
    app = engine('app');
    await app.start();
    worker = engine('worker');
    await worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await app?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await t?.cleanup();
  });

  const health = async (): Promise<HealthReport> => (await (await fetch(`${app.httpUrl}/healthz`)).json()) as HealthReport;

  it('shows the app and the worker with a fresh heartbeat and what each may send, and drops a stopped worker', async () => {
    const h = await health();
    const roles = (h.processes ?? []).map((p) => [p.role, p.pid, p.sendsGraph]);
    expect(roles).toEqual([
      ['app', process.pid, true],
      // No Page connection of its own: it takes no reply or notify job (docs/scaling.md).
      ['worker', process.pid, false],
    ]);
    for (const p of h.processes!) {
      expect(p.lastBeatMsAgo).toBeLessThan(10_000);
      expect(p.host).toBe(os.hostname());
      expect(p.pending).toEqual({});
    }
    // A process killed without stopping drops out by itself: its key expires.
    const ttl = await t.redis.pttl(t.keys.presence(h.processes![1]!.id));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(15_000);

    await worker.stop();
    expect(((await health()).processes ?? []).map((p) => p.role)).toEqual(['app']);
  });
});
