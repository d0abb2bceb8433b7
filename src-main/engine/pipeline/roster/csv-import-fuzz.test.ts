import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { RpcError, ROSTER_REJECTED_LISTED } from '../../../contract';
import { watchLoopDelay } from '../../../../test/support/loop-delay';
import { hostileFile } from '../../../../test/support/hostile-csv';
import { prng } from '../../../../test/support/prng';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { startHarness, type Harness } from '../testing/harness';

const CASES = 1_200;
/** The largest answer allowed: 50 preview rows and 100 rejected rows at their caps come to well under this. */
const ANSWER_MAX = 256 * 1024;

describe('roster import under hostile files', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ graph: new FakeGraph() });
  });
  afterAll(() => h.cleanup());

  it(`answers ${CASES} hostile files without a crash, every answer bounded, and the roster file still parses`, async () => {
    const rand = prng(20261203);
    const tally = { answered: 0, refused: 0, imported: 0, bytesIn: 0, largestAnswer: 0 };
    const started = Date.now();
    const loop = watchLoopDelay();
    for (let i = 0; i < CASES; i += 1) {
      const bytes = hostileFile(rand);
      tally.bytesIn += bytes.length;
      const dryRun = rand() < 0.8;
      // Most go as bytes (as the UI sends them); some as text (as scripts do).
      const args = rand() < 0.8 ? { file: bytes.toString('base64'), dryRun } : { csv: bytes.toString('utf8') || 'x', dryRun };
      try {
        const r = await call(h.module, 'volunteers.importCsv', args);
        const size = Buffer.byteLength(JSON.stringify(r));
        tally.largestAnswer = Math.max(tally.largestAnswer, size);
        expect(size, `case ${i}`).toBeLessThan(ANSWER_MAX);
        expect(r.rejected.length).toBeLessThanOrEqual(ROSTER_REJECTED_LISTED);
        expect(r.rejectedTotal).toBeGreaterThanOrEqual(r.rejected.length);
        expect(r.preview.length).toBeLessThanOrEqual(50);
        tally.answered += 1;
        if (!dryRun) tally.imported += r.created;
      } catch (err) {
        // A refusal is fine when it is the coordinator's kind: a readable reason, not a crash.
        // The contract's own (a file over the limit) comes as a ZodError here; RPC makes it a 400.
        if (err instanceof ZodError) {
          tally.refused += 1;
          continue;
        }
        if (!(err instanceof RpcError)) throw new Error(`case ${i}: ${String(err)}`, { cause: err });
        expect(err.code, `case ${i}: ${err.message}`).toBe('bad_arguments');
        expect(err.message.length, `case ${i}`).toBeLessThan(1000);
        tally.refused += 1;
      }
    }
    const delay = loop.stop();
    console.log(`hostile imports: ${delay.text}; ${CASES} files, ${(tally.bytesIn / 1e6).toFixed(1)} MB in, ${tally.answered} answered, ${tally.refused} refused, ${tally.imported} volunteers created, largest answer ${(tally.largestAnswer / 1024).toFixed(1)} KB, ${Date.now() - started} ms`);
    expect(tally.answered).toBeGreaterThan(CASES / 5);
    expect(tally.refused).toBeGreaterThan(0);

    await h.module.state()!.flush();
    const onDisk = JSON.parse(await readFile(path.join(h.dataDir, 'volunteers.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(onDisk).length).toBeGreaterThan(0);
    const exported = await call(h.module, 'volunteers.exportCsv', {});
    const parsed = Papa.parse<string[]>(exported.csv, { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data.length - 1).toBe(Object.keys(onDisk).length);
  });
});
