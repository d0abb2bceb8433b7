import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { RpcError, ROSTER_REJECTED_LISTED } from '../../../contract';
import { watchLoopDelay } from '../../../../test/support/loop-delay';
import { prng } from '../../../../test/support/prng';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { startHarness, type Harness } from '../testing/harness';

const CASES = 1_200;
/** The largest answer allowed: 50 preview rows and 100 rejected rows at their caps come to well under this. */
const ANSWER_MAX = 256 * 1024;

type Rand = () => number;
const pick = <T,>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);

const AWKWARD = [
  '=HYPERLINK("http://evil")', '+1+1', '-2', '@SUM(A1)', '＝1', ' =cmd', '\t=x', '"', '""', '"a""b"', ',', ';', '\r', '\n', '\r\n',
  '\u0000', '\u001b[31m', '\u2028', '\u202eevil', '\ufeff', '🙂', 'é', 'ß', '__proto__', 'constructor', 'a@b.test', 'A@B.TEST', '123456', '12ab',
];
const HEADER_WORDS = ['Name', 'name', 'First name', 'Last name', 'Email', 'E-mail', 'Tags', 'Notes', 'Facebook id', 'Phone', '', '"Name"', 'Na"me', '__proto__'];

/** A cell built from awkward pieces, sometimes huge. */
function cell(rand: Rand): string {
  const r = rand();
  if (r < 0.01) return pick(rand, ['x', '=', '"', ',', 'é']).repeat(1 + int(rand, 20_000));
  if (r < 0.3) return '';
  let s = '';
  for (let i = int(rand, 4); i >= 0; i -= 1) s += rand() < 0.5 ? pick(rand, AWKWARD) : rand().toString(36).slice(2, 2 + int(rand, 10));
  return s;
}

/** Quotes a cell as a spreadsheet would, or leaves it raw (and possibly broken). */
function field(rand: Rand, s: string): string {
  if (rand() < 0.5) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** One hostile file, as the bytes a coordinator's machine could hand over. */
function hostileFile(rand: Rand): Buffer {
  const kind = int(rand, 8);
  if (kind === 0) return Buffer.from(Array.from({ length: 1 + int(rand, 4000) }, () => int(rand, 256)));
  const delim = pick(rand, [',', ',', ';', '\t', '|']);
  const nl = pick(rand, ['\n', '\r\n', '\r']);
  const columns = kind === 1 ? 1 + int(rand, 200) : 1 + int(rand, 8);
  const header = Array.from({ length: columns }, () => (kind === 2 ? pick(rand, HEADER_WORDS) : rand() < 0.7 ? pick(rand, HEADER_WORDS) : cell(rand)));
  // Most files have a name column, so most reach the rows; the rest test the refusals.
  if (rand() < 0.6) header[0] = 'Name';
  if (kind === 3) header[int(rand, columns)] = 'h'.repeat(150 + int(rand, 500));
  const rows = [header.map((h) => field(rand, h)).join(delim)];
  for (let i = int(rand, kind === 4 ? 1000 : 40); i > 0; i -= 1) {
    const n = rand() < 0.8 ? columns : int(rand, columns * 2 + 2);
    rows.push(Array.from({ length: n }, () => field(rand, cell(rand))).join(delim));
  }
  let text = rows.join(nl);
  if (kind === 5) text = text.slice(0, int(rand, text.length)) + '"' + text.slice(int(rand, text.length));
  if (!text) text = 'x';
  const bom = rand();
  if (bom < 0.1) return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
  if (bom < 0.2) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  if (bom < 0.25) return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  if (bom < 0.35) return Buffer.from(text, 'latin1');
  return Buffer.from(text);
}

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
