import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testRedis, type TestRedis } from '../../../test/support/redis';
import { ManualClock } from '../clock';
import { configFromEnv } from '../config';
import { createEngine, type Engine } from '../engine';
import { memoryLogger } from '../log';
import type { MetricsModule } from './module';

const TOKEN = 'metrics-engine-token-0123456789';

describe('live metrics inside the engine', () => {
  let t: TestRedis;
  let engine: Engine;
  let dataDir: string;
  const clock = new ManualClock();

  beforeEach(async () => {
    t = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-metrics-engine-'));
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off', REDIS_URL: t.url, FB_GRAPH_URL: 'http://127.0.0.1:9' });
    engine = createEngine({ config, log: memoryLogger(), clock, prefix: t.prefix });
    await engine.start();
  });
  afterEach(async () => {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await t.cleanup();
  });

  const metrics = () => engine.services!.modules.find((m) => m.name === 'metrics') as MetricsModule;
  const rpc = async (method: string, args: unknown) => {
    const res = await fetch(`${engine.httpUrl}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const input = async (values: unknown, token = TOKEN) => {
    const res = await fetch(`${engine.httpUrl}/api/metrics/input`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(values),
    });
    await metrics().service!.settled();
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('defines over RPC, takes inputs over HTTP with the token, and sends live values', async () => {
    for (const id of ['C', 'D', 'E', 'F']) expect((await rpc('metrics.define', { node: { id, kind: 'input' } })).status).toBe(200);
    expect((await rpc('metrics.define', { node: { id: 'A', kind: 'derived', fn: 'add', args: ['C', 'D', 'E'] } })).status).toBe(200);
    expect((await rpc('metrics.define', { node: { id: 'B', kind: 'derived', fn: 'formula', formula: 'A * F', args: ['A', 'F'] } })).status).toBe(200);
    const cycle = await rpc('metrics.define', { node: { id: 'C', kind: 'derived', fn: 'add', args: ['B'] } });
    expect(cycle).toEqual({ status: 400, body: { error: { code: 'bad_arguments', message: expect.stringContaining('cycle: C → B → A → C') } } });

    const socket = new WebSocket(`${engine.httpUrl!.replace('http', 'ws')}/api/live?token=${TOKEN}`);
    const live: string[] = [];
    socket.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { event: string; payload: { node: string; value: number } };
      if (msg.event === 'metrics.value') live.push(`${msg.payload.node}=${msg.payload.value}`);
    });
    await new Promise((resolve) => socket.once('open', resolve));

    expect((await input({ C: 1 }, 'wrong-token')).status).toBe(401);
    expect((await input({ C: 4, D: 5 })).body).toEqual({ accepted: 2 });
    expect((await input({ E: 6 })).status).toBe(200);
    await input({ F: 3 });
    expect((await input({ C: 1, Z: 2 })).status).toBe(400);

    const { body } = await rpc('metrics.values', { nodes: ['A', 'B'] });
    const values = body.values as { node: string; value: number }[];
    expect(values.map((v) => `${v.node}=${v.value}`)).toEqual(['A=15', 'B=45']);
    await expect.poll(() => live).toEqual(expect.arrayContaining(['C=4', 'D=5', 'E=6', 'A=15', 'F=3', 'B=45']));
    socket.close();
  });
});
