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
import { createDemoModule } from '../../simulator/demo';

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
    engine = createEngine({ demo: createDemoModule, config, log: memoryLogger(), clock, prefix: t.prefix });
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

  it('runs the issue-17 scenario over HTTP, several values per call, without a stale B (20 runs)', async () => {
    const wrong: string[] = [];
    for (let run = 0; run < 20; run += 1) {
      const n = (id: string) => `r${run}:${id}`;
      for (const id of ['C', 'D', 'E', 'F']) await rpc('metrics.define', { node: { id: n(id), kind: 'input', validitySeconds: 60 } });
      await rpc('metrics.define', { node: { id: n('A'), kind: 'derived', fn: 'add', args: [n('C'), n('D'), n('E')] } });
      await rpc('metrics.define', { node: { id: n('B'), kind: 'derived', fn: 'multiply', args: [n('A'), n('F')] } });
      const computed: string[] = [];
      const off = metrics().service!.onValue((v) => {
        if (v.source === 'computed') computed.push(`${v.node.slice(n('').length)}=${v.value}`);
      });
      const send = (values: Record<string, number>) => input(Object.fromEntries(Object.entries(values).map(([k, v]) => [n(k), v])));
      await send({ C: 4, D: 5 });
      await send({ E: 6 });
      await send({ C: 1, D: 1, E: 1, F: 3 });
      await send({ A: 4, F: 5 });
      off();
      if (computed.join(' ') !== 'A=15 A=3 B=9 B=20') wrong.push(`run ${run}: ${computed.join(' ')}`);
    }
    expect(wrong).toEqual([]);
  });

  it('takes readings with the time they were measured, and never-expiring nodes, over HTTP and RPC', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    expect((await rpc('metrics.define', { node: { id: 'late', kind: 'input', validitySeconds: 60 } })).status).toBe(200);
    expect((await rpc('metrics.define', { node: { id: 'base', kind: 'input', validitySeconds: null } })).status).toBe(200);
    expect((await rpc('metrics.define', { node: { id: 'sum', kind: 'derived', fn: 'add', args: ['late', 'base'], keepArguments: true } })).status).toBe(200);

    // Measured 50 s ago on a 60 s node: fresh for 10 s more, not 60 from its arrival.
    const measured = clock.now() - 50_000;
    expect((await input({ late: { value: 2, at: iso(measured) }, base: 40 })).body).toEqual({ accepted: 2 });
    let { body } = await rpc('metrics.values', { nodes: ['late', 'base', 'sum'] });
    expect(body.values).toMatchObject([
      { node: 'late', value: 2, at: measured, expiresAt: measured + 60_000, fresh: true },
      { node: 'base', value: 40, expiresAt: null, fresh: true },
      { node: 'sum', value: 42 },
    ]);
    clock.advance(11_000);
    ({ body } = await rpc('metrics.values', { nodes: ['late', 'base'] }));
    expect((body.values as { fresh: boolean }[]).map((v) => v.fresh)).toEqual([false, true]);

    // Years later "base" still counts; over RPC, with a reading's time too.
    clock.advance(5 * 365 * 86_400_000);
    expect((await rpc('metrics.input', { values: { late: { value: 8, at: iso(clock.now() - 1000) } } })).body).toEqual({ accepted: 1 });
    await metrics().service!.settled();
    ({ body } = await rpc('metrics.values', { nodes: ['sum'] }));
    expect(body.values).toMatchObject([{ node: 'sum', value: 48 }]);

    // The RPC's contract schema checks the shape first (its own message), the engine the rest.
    const refused = async (values: unknown, message: RegExp, rpcMessage = message) => {
      for (const [res, m] of [[await input(values), message], [await rpc('metrics.input', { values }), rpcMessage]] as const) {
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect((res.body.error as { message: string }).message).toMatch(m);
      }
    };
    await refused({ late: { value: 1, at: iso(clock.now() + 60_000) } }, /"late": "at" .* is in the future/);
    await refused({ late: { value: 1, at: iso(clock.now() - 61_000) } }, /"late": a reading from .* has already expired \(the node's values stay valid 60 s\)/);
    await refused({ late: { value: 1, at: 'yesterday' } }, /"at" must be an ISO date-time with a time zone/);
    await refused({ late: { value: 1, at: '2026-12-03T14:05:00' } }, /"at" must be an ISO date-time with a time zone/);
    await refused({ late: { at: iso(clock.now()) } }, /"late" must be a finite number \(got no "value"\)/, /Invalid arguments for metrics.input/);
    ({ body } = await rpc('metrics.values', { nodes: ['late'] }));
    expect(body.values).toMatchObject([{ value: 8 }]);
  });
});
