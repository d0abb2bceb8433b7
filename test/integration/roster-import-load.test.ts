import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_FILE_MAX_BYTES, RPC_BODY_MAX_BYTES } from '../../src-main/contract';
import type { ImportResult } from '../../src-main/contract/volunteers';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { memoryLogger } from '../../src-main/engine/log';
import { watchLoopDelay, type LoopDelay } from '../support/loop-delay';
import { rawRequest } from '../support/raw-http';
import { testRedis, type TestRedis } from '../support/redis';
import { createDemoModule } from '../../src-main/simulator/demo';

const TOKEN = 'access-token-0123456789abcdef';
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
/** What the issue asks of `/healthz` during any import; `npm run bench` measures it beside an idle baseline. */
const TARGET_MS = 200;
/** Wall-clock answers on a shared 2-core machine also wait for other processes: a generous bound. */
const ALLOWED_MS = 2000;
/**
 * The CPU time of the longest event-loop turn does not depend on the machine's other load, so it
 * is held to the target itself: one pass serialising the roster file held the loop ~300 ms.
 */
const HELD_MAX_MS = TARGET_MS;

/** A roster file just under the limit: `rows(i)` gives line i, repeated until the next would not fit. */
function fileOf(header: string, row: (i: number) => string): Buffer {
  const parts = [header];
  let size = header.length;
  for (let i = 0; ; i += 1) {
    const line = `\n${row(i)}`;
    if (size + line.length > ROSTER_FILE_MAX_BYTES - 1000) break;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''));
}

/**
 * A 10 MB roster import over the real HTTP surface, with `/healthz` asked every 10 ms meanwhile:
 * the import is read in chunks that give the event loop back, so the app keeps answering, and
 * an import whose every row is rejected answers in kilobytes.
 */
describe('a roster import at the size limit', () => {
  let t: TestRedis;
  let engine: Engine;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    t = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-import-'));
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off', REDIS_URL: t.url, FB_GRAPH_URL: 'http://127.0.0.1:9' });
    engine = createEngine({ demo: createDemoModule, config, log: memoryLogger(), prefix: t.prefix });
    await engine.start();
    base = engine.httpUrl!;
  });

  afterAll(async () => {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  /** Runs `work` while timing `/healthz` back to back; returns the slowest answer and how the event loop fared. */
  async function healthDuring<T>(work: () => Promise<T>): Promise<{ result: T; slowestMs: number; probes: number; loop: LoopDelay }> {
    let done = false;
    let slowestMs = 0;
    let probes = 0;
    const watch = watchLoopDelay();
    const probe = (async () => {
      // Timed from when the probe was due, not when it got sent: a block that falls between two
      // probes delays the next one, and a request arriving then would have waited as long.
      let due = performance.now();
      while (!done) {
        const res = await rawRequest(base, { path: '/healthz' });
        const answered = performance.now();
        slowestMs = Math.max(slowestMs, answered - due);
        probes += 1;
        expect(res.status).toBe(200);
        due = answered + 10;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    // One answer before the import starts, so the probe is known to work.
    await new Promise((r) => setTimeout(r, 50));
    // An import answers once its file write is on disk (volunteers.importCsv flushes first).
    const result = await work();
    done = true;
    await probe;
    return { result, slowestMs, probes, loop: watch.stop() };
  }

  // The body is built (as bytes) before the clock starts: the test shares the server's event loop.
  const importBody = (file: Buffer, dryRun: boolean): Buffer => Buffer.from(JSON.stringify({ file: file.toString('base64'), dryRun }));
  const importFile = (body: Buffer) => rawRequest(base, { method: 'POST', path: '/api/rpc/volunteers.importCsv', headers: HEADERS, body });

  it('keeps /healthz answering while a file whose every row is rejected is previewed, and answers in kilobytes', async () => {
    const file = fileOf('Name,Email,Notes', (i) => `Person ${i},not-an-email-${i},${'n'.repeat(85)}`);
    const body = importBody(file, true);
    const started = performance.now();
    const { result: res, slowestMs, probes, loop } = await healthDuring(() => importFile(body));
    const tookMs = performance.now() - started;
    expect(res.status, res.body.slice(0, 300)).toBe(200);
    const answer = JSON.parse(res.body) as ImportResult;
    console.log(
      `all-rejected preview of ${(file.length / 1e6).toFixed(2)} MB (${answer.rejectedTotal} rows): ${tookMs.toFixed(0)} ms, answer ${(res.body.length / 1024).toFixed(1)} KB, `
      + `/healthz slowest ${slowestMs.toFixed(0)} ms over ${probes} probes (target ${TARGET_MS} ms); ${loop.text}`,
    );
    expect(answer.rejected).toHaveLength(100);
    expect(answer.rejectedTotal).toBeGreaterThan(80_000);
    expect(res.body.length).toBeLessThan(64 * 1024);
    expect(probes).toBeGreaterThanOrEqual(2);
    expect(slowestMs).toBeLessThan(ALLOWED_MS);
    expect(loop.heldMs).toBeLessThan(HELD_MAX_MS);
  });

  it('keeps /healthz answering while a 10 MB roster is imported, and the roster holds it after', async () => {
    const file = fileOf('Name,Email,Tags,Notes', (i) => `Person ${i},person${i}@example.test,driver; cook,Prefers mornings near the park and can bring a van on weekends`);
    const body = importBody(file, false);
    const { result: res, slowestMs, probes, loop } = await healthDuring(() => importFile(body));
    expect(res.status, res.body.slice(0, 300)).toBe(200);
    const answer = JSON.parse(res.body) as ImportResult;
    console.log(`import of ${(file.length / 1e6).toFixed(2)} MB (${answer.created} new volunteers): /healthz slowest ${slowestMs.toFixed(0)} ms over ${probes} probes (target ${TARGET_MS} ms); ${loop.text}`);
    expect(answer.rejectedTotal).toBe(0);
    expect(answer.created).toBeGreaterThan(80_000);
    expect(slowestMs).toBeLessThan(ALLOWED_MS);
    expect(loop.heldMs).toBeLessThan(HELD_MAX_MS);
    const found = await rawRequest(base, { method: 'POST', path: '/api/rpc/volunteers.search', headers: HEADERS, body: JSON.stringify({ query: 'person12345@example.test' }) });
    expect(JSON.parse(found.body)).toMatchObject({ total: 1, items: [{ name: 'Person 12345' }] });
  });

  it('answers a body over the one limit with 413 and the limit in words', async () => {
    const res = await rawRequest(base, { method: 'POST', path: '/api/rpc/volunteers.importCsv', headers: HEADERS, body: JSON.stringify({ file: 'A'.repeat(RPC_BODY_MAX_BYTES) }) });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.message).toMatch(/a roster file of at most 10 MB/);
  });
});
