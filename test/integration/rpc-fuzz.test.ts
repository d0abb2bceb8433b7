import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REQUEST_NAMES, requests } from '../../src-main/contract';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { prng, randomValue } from '../support/prng';
import { createDemoModule } from '../../src-main/simulator/demo';

/**
 * Every contract method over HTTP with random, mutated and hostile arguments: the answer is
 * always JSON with a 2xx or a clear 4xx, never a 500, and the engine stays healthy.
 * Outgoing Graph calls point at a closed loopback port, so nothing leaves the machine.
 */
describe('RPC fuzz over every contract method', () => {
  let engine: Engine;
  let dataDir: string;
  const token = 'fuzz-token-0123456789';

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-fuzz-'));
    const config = configFromEnv({
      VOLUNTREE_DATA_DIR: dataDir,
      VOLUNTREE_PORT: '0',
      VOLUNTREE_TOKEN: token,
      VOLUNTREE_TUNNEL: 'off',
      FB_GRAPH_URL: 'http://127.0.0.1:9',
    });
    engine = createEngine({ demo: createDemoModule, config, log: memoryLogger() });
    await engine.start();
  });
  afterAll(async () => {
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function argsFor(name: (typeof REQUEST_NAMES)[number], rand: () => number): unknown {
    const schema = requests[name].args as z.ZodType;
    const r = rand();
    if (r < 0.25) return randomValue(rand);
    if (schema instanceof z.ZodObject) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(schema.shape)) if (rand() < 0.8) out[key] = randomValue(rand);
      return out;
    }
    return {};
  }

  it('never answers 500 and never takes the engine down', async () => {
    const rand = prng(20261123);
    const statuses: Record<number, number> = {};
    let tried = 0;
    // settings.set is fuzzed too: VOLUNTREE_TUNNEL=off in the environment wins over any stored tunnel setting.
    const skip = new Set<string>();
    for (const name of REQUEST_NAMES) {
      if (skip.has(name)) continue;
      for (let i = 0; i < 40; i += 1) {
        const body = i === 0 ? '{"truncated": ' : JSON.stringify(argsFor(name, rand));
        const res = await fetch(`${engine.httpUrl}/api/rpc/${name}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body,
        });
        tried += 1;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        const text = await res.text();
        expect(() => JSON.parse(text), `${name} answered non-JSON: ${text.slice(0, 100)}`).not.toThrow();
        expect(res.status, `${name} with ${body.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
      }
    }
    const health = await engine.health();
    expect(health.redis.up).toBe(true);
    process.stdout.write(`rpc fuzz: ${tried} inputs over ${REQUEST_NAMES.length - skip.size} methods, statuses ${JSON.stringify(statuses)}\n`);
    expect(tried).toBeGreaterThan(0);
  });
});
