import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { createClient } from '../../src-main/engine/redis/endpoint';
import { createDemoModule } from '../../src-main/simulator/demo';

/** The engine as `serve` runs it: its own supervised redis-server, HTTP on a free port. */
describe('engine with supervised Redis', () => {
  let engine: Engine;
  let dataDir: string;
  const log = memoryLogger();

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-engine-'));
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: 'test-token-123456', VOLUNTREE_TUNNEL: 'off' });
    engine = createEngine({ demo: createDemoModule, config, log });
    await engine.start();
  });

  afterAll(async () => {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rpc = (method: string, body: unknown, token: string | null = 'test-token-123456') =>
    fetch(`${engine.httpUrl}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('reports Redis up on /healthz without a token', async () => {
    const res = await fetch(`${engine.httpUrl}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { redis: { up: boolean; mode: string }; queues: Record<string, { waiting: number; failed: number }> };
    expect(body.redis).toMatchObject({ up: true, mode: 'supervised' });
    // Every queue the app works is counted, whether or not a job was added to it yet.
    for (const q of ['publish', 'reply', 'notify', 'db-write', 'email', 'metrics']) {
      expect(body.queues[q], q).toMatchObject({ waiting: expect.any(Number), failed: expect.any(Number) });
    }
  });

  it('runs Redis on loopback with a password, AOF and noeviction, config readable only by the user', async () => {
    const ep = engine.redisEndpoint!;
    expect(ep.host).toBe('127.0.0.1');
    expect(ep.password?.length).toBeGreaterThanOrEqual(32);
    const c = createClient(ep, 'command');
    try {
      expect(await c.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await c.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await c.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
    } finally {
      c.disconnect();
    }
    const mode = statSync(path.join(dataDir, 'redis', 'redis.conf')).mode & 0o777;
    expect(mode).toBe(0o600);
    const unauth = createClient({ host: ep.host, port: ep.port }, 'command');
    unauth.on('error', () => undefined);
    await expect(unauth.get('x')).rejects.toThrow(/NOAUTH/);
    unauth.disconnect();
  });

  it('refuses /api without the token (401) and with a wrong one', async () => {
    expect((await rpc('settings.get', {}, null)).status).toBe(401);
    expect((await rpc('settings.get', {}, 'wrong')).status).toBe(401);
    const ws = await fetch(`${engine.httpUrl}/api/live`);
    expect(ws.status).toBe(401);
  });

  it('answers malformed arguments with 400 and a message that names the field', async () => {
    const bad = await rpc('settings.set', { backupRetentionDays: 'soon' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('bad_arguments');
    expect(body.error.message).toMatch(/backupRetentionDays/);
    const notJson = await rpc('settings.get', '{not json');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('bad_arguments');
    const oldGraph = await rpc('settings.set', { graphVersion: 'v2.0' });
    expect(oldGraph.status).toBe(400);
    expect(((await oldGraph.json()) as { error: { message: string } }).error.message).toMatch(/older than v25\.0/);
    const unknown = await rpc('no.such', {});
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_method');
  });

  it('stores settings and keeps secrets out of lowdb and the log', async () => {
    const res = await rpc('settings.set', { organisationName: 'Harbour Food Bank', pageToken: 'EAAB-secret-page-token-xyz' });
    expect(res.status).toBe(200);
    const view = (await res.json()) as { organisationName: string; secrets: { pageToken: boolean } };
    expect(view.organisationName).toBe('Harbour Food Bank');
    expect(view.secrets.pageToken).toBe(true);
    expect(JSON.stringify(view)).not.toContain('EAAB-secret-page-token-xyz');
    const settingsFile = readFileSync(path.join(dataDir, 'data', 'settings.json'), 'utf8');
    expect(settingsFile).not.toContain('EAAB-secret-page-token-xyz');
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    engine.log.info('a line that mentions the token EAAB-secret-page-token-xyz by mistake');
    expect(log.lines.join('\n')).not.toContain('EAAB-secret-page-token-xyz');
    await rpc('settings.set', { pageToken: '' });
  });

  it('restarts a SIGKILLed redis-server and keeps queued work (AOF)', async () => {
    const ctx = engine.ctx!;
    const queue = ctx.queues.queue('email');
    await queue.add('probe', { n: 1 }, { jobId: 'survives-crash' });
    const sup = engine.supervisedRedis!;
    const before = sup.status();
    process.kill(before.pid!, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    let report = await engine.health();
    while (Date.now() < deadline) {
      report = await engine.health();
      if (report.redis.up && sup.status().pid !== before.pid) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(report.redis.up).toBe(true);
    expect(sup.status().restarts).toBe(before.restarts + 1);
    const job = await queue.getJob('survives-crash');
    expect(job?.data).toEqual({ n: 1 });
    const res = await fetch(`${engine.httpUrl}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('a redis-server left behind by a crashed app', () => {
  it('is shut down cleanly at the next start instead of running twice on one AOF', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-orphan-'));
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TUNNEL: 'off' });
    const first = createEngine({ demo: createDemoModule, config, log: memoryLogger() });
    await first.start();
    const orphanPid = first.supervisedRedis!.status().pid!;
    const port = first.redisEndpoint!.port;
    await first.ctx!.queues.queue('email').add('probe', { kept: true }, { jobId: 'kept-across-crash' });
    // Simulate the app dying without stopping Redis: drop the supervisor's handle on it.
    (first.supervisedRedis as unknown as { stopping: boolean }).stopping = true;
    const second = createEngine({ demo: createDemoModule, config, log: memoryLogger() });
    try {
      await second.start();
      expect(second.redisEndpoint!.port).toBe(port);
      expect(second.supervisedRedis!.status().pid).not.toBe(orphanPid);
      expect(() => process.kill(orphanPid, 0)).toThrow();
      const job = await second.ctx!.queues.queue('email').getJob('kept-across-crash');
      expect(job?.data).toEqual({ kept: true });
    } finally {
      // The "crashed" engine's clients reconnected to the new Redis (same port and password):
      // stop it while that Redis is up, then the new engine.
      await first.stop().catch(() => undefined);
      await second.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
