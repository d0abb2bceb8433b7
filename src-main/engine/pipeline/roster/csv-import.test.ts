import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROSTER_FILE_MAX_BYTES, ROSTER_FILE_MAX_BASE64, ROSTER_REJECTED_LISTED, requests, rosterFileProblem } from '../../../contract';
import { FakeGraph } from '../testing/fake-graph';
import { call } from '../testing/call';
import { startHarness, type Harness } from '../testing/harness';
import { decodeRosterFile } from './csv-decode';
import { readCsvRows, type CsvRow } from './csv-rows';

const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64');

describe('roster CSV import: bounded work, clear refusals', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ graph: new FakeGraph() });
  });
  afterAll(() => h.cleanup());
  const preview = (csv: string) => call(h.module, 'volunteers.importCsv', { csv });

  describe('one size limit', () => {
    it('is stated the same by the contract and the UI check, with the size in the message', () => {
      expect(rosterFileProblem('roster.csv', ROSTER_FILE_MAX_BYTES)).toBeNull();
      expect(rosterFileProblem('roster.csv', 12_345_678)).toBe('roster.csv is 12.3 MB; a roster file can be at most 10 MB. Split it into smaller files and import them one after another.');
      expect(rosterFileProblem('roster.csv', 0)).toMatch(/empty/);
      const args = requests['volunteers.importCsv'].args;
      const text = args.safeParse({ csv: 'x'.repeat(ROSTER_FILE_MAX_BYTES + 1) });
      expect(text.success).toBe(false);
      expect(text.error!.issues[0]!.message).toMatch(/larger than 10 MB/);
      expect(args.safeParse({ file: 'A'.repeat(ROSTER_FILE_MAX_BASE64 + 4) }).success).toBe(false);
      expect(args.safeParse({ csv: 'Name\nA', file: b64('Name\nA') }).success).toBe(false);
      expect(args.safeParse({}).success).toBe(false);
    });

    it('refuses bytes over the limit even when their base64 fits, and base64 that is not base64', async () => {
      // ROSTER_FILE_MAX_BASE64 characters decode to up to 2 bytes more than the limit.
      const over = 'A'.repeat(ROSTER_FILE_MAX_BASE64);
      await expect(call(h.module, 'volunteers.importCsv', { file: over })).rejects.toThrow(/at most 10 MB/);
      await expect(call(h.module, 'volunteers.importCsv', { file: 'Tm&%$' })).rejects.toThrow(/must be base64/);
      // Padding inside a long text (past the first megabyte's piece) is refused too, not skipped.
      await expect(call(h.module, 'volunteers.importCsv', { file: `${'QUJD'.repeat(262_144)}QQ==QUJD` })).rejects.toThrow(/must be base64/);
      await expect(call(h.module, 'volunteers.importCsv', { file: `${'QUJD'.repeat(262_143)}QQ==QUJD` })).rejects.toThrow(/must be base64/);
      // Over a megabyte of base64, decoded piece by piece into the same bytes.
      const long = await call(h.module, 'volunteers.importCsv', { file: b64(`Name\n${'Zoë Lima\n'.repeat(90_000)}`) });
      expect([long.accepted, long.rejectedTotal, long.preview[0]!.name]).toEqual([90_000, 0, 'Zoë Lima']);
    });
  });

  describe('caps on every text from the file', () => {
    it('refuses a header longer than 200 characters, naming its column', async () => {
      await expect(preview(`Name,Email,${'h'.repeat(400)}\nAna,a@b.test,x`)).rejects.toThrow(/header of column 3 is 400 characters long; a header can be at most 200/);
    });

    it('refuses a header row of more than 50 columns', async () => {
      const header = ['Name', ...Array.from({ length: 60 }, (_, i) => `c${i}`)].join(',');
      await expect(preview(`${header}\nAna`)).rejects.toThrow(/61 columns; at most 50/);
    });

    it('rejects a row whose cell is too long, and notes or tags past what a volunteer may hold, with the reason', async () => {
      const csv = [
        'Name,Notes,Tags,Other',
        `Ana,${'n'.repeat(5001)},,`,
        `Ben,,${Array.from({ length: 51 }, (_, i) => `t${i}`).join(';')},`,
        `Cleo,,${'t'.repeat(61)},`,
        `Dan,,,${'o'.repeat(10_001)}`,
        `${'N'.repeat(201)},,,`,
        'Eve,short,a;b,',
      ].join('\n');
      const r = await preview(csv);
      expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
        [2, 'The notes are longer than 5,000 characters'],
        [3, 'There are more than 50 tags'],
        [4, expect.stringMatching(/^The tag "t+…" is longer than 60 characters$/)],
        [5, 'The cell in column 4 is longer than 10,000 characters'],
        [6, 'The name is longer than 200 characters'],
      ]);
      expect(r.preview.map((x) => x.name)).toEqual(['Eve']);
      for (const x of r.rejected) expect(x.excerpt.length).toBeLessThanOrEqual(200);
    });

    it('refuses a file of more than 100,000 rows, and a line that never ends', async () => {
      await expect(preview(`Name\n${'a\n'.repeat(100_001)}`)).rejects.toThrow(/more than 100,000 rows; split it/);
      await expect(preview(`Name,Notes\nAna,x\nBen,${'y,'.repeat(200_000)}`)).rejects.toThrow(/row on line 3 is longer than 100,000 characters/);
    });
  });

  it('lists the first 100 rejected rows with their lines and counts the rest, so the answer stays small', async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => `Person ${i},not-an-email-${'z'.repeat(200)},${'x'.repeat(400)}`);
    const r = await preview(['Name,Email,Notes', ...rows].join('\n'));
    expect(r.rejected).toHaveLength(ROSTER_REJECTED_LISTED);
    expect(r.rejectedTotal).toBe(12_000);
    expect(r.rejected.map((x) => x.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
    expect(r.rejected[0]!.reason).toMatch(/^"not-an-email-z+…" does not look like an email address$/);
    const bytes = Buffer.byteLength(JSON.stringify(r));
    expect(bytes).toBeLessThan(64 * 1024);
  });

  describe('duplicate headers and broken quotes', () => {
    it('refuses two columns read as the same field, naming both', async () => {
      await expect(preview('Name,Email,E-mail\nAna,a@b.test,c@d.test')).rejects.toThrow(/Columns 2 \("Email"\) and 3 \("E-mail"\) are both read as the email/);
      await expect(preview('Name,Email,Name\nAna,a@b.test,Ann')).rejects.toThrow(/Columns 1 \("Name"\) and 3 \("Name"\) are both read as the name/);
    });

    it('says so when other columns share a header, instead of dropping one silently', async () => {
      const r = await preview('Name,Phone,phone\nAna,1,2');
      expect(r.notices).toEqual(['Columns 2, 3 have the same header "Phone"; they are not imported.']);
      expect(r.accepted).toBe(1);
    });

    it('refuses an unterminated quote with the line it opens on, rather than reading the rest as one cell', async () => {
      await expect(preview('Name,Notes\nAna,ok\nBen,"never closed\nCleo,x\nDan,y')).rejects.toThrow(/^Line 3 opens a quote \("\) that is never closed/);
      // Past one chunk the same quote is found while the file is still being read.
      await expect(preview(`Name,Notes\nAna,"never closed\n${'Ben,x\n'.repeat(30_000)}`)).rejects.toThrow(/^Line 2 opens a quote \("\) that is not closed within 100,000 characters/);
    });

    it('counts lines as the file has them when a cell holds line breaks', async () => {
      const r = await preview('Name,Notes\nAna,"two\nlines"\n,nobody\nBen,"a\r\nb\nc"\n,again');
      expect(r.rejected.map((x) => x.line)).toEqual([4, 8]);
      expect(r.preview.map((x) => [x.line, x.notes])).toEqual([[2, 'two\nlines'], [5, 'a\r\nb\nc']]);
    });
  });

  describe('encodings', () => {
    it('tells UTF-8 (with or without a mark), UTF-16 LE and BE, and Windows-1252 apart', async () => {
      const text = 'Name\nJosé Müller – café';
      const utf16le = Buffer.from(text, 'utf16le');
      const utf16be = Buffer.from(utf16le).swap16();
      expect(await decodeRosterFile(Buffer.from(text))).toEqual({ text, encoding: 'UTF-8' });
      expect(await decodeRosterFile(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toEqual({ text, encoding: 'UTF-8' });
      expect(await decodeRosterFile(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]))).toEqual({ text, encoding: 'UTF-16 LE' });
      expect(await decodeRosterFile(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]))).toEqual({ text, encoding: 'UTF-16 BE' });
      // "José Müller – café" as an old Excel saves it: é = E9, ü = FC, – = 96.
      const cp1252 = Buffer.from([...Buffer.from('Name\nJos'), 0xe9, ...Buffer.from(' M'), 0xfc, ...Buffer.from('ller '), 0x96, ...Buffer.from(' caf'), 0xe9]);
      expect(await decodeRosterFile(cp1252)).toEqual({ text, encoding: 'Windows-1252' });
      expect(await decodeRosterFile(Buffer.from([0xfe, 0xff, 0x00]))).toEqual({ text: '', encoding: 'UTF-16 BE' });
    });

    it('imports a file sent as bytes and names how it was read', async () => {
      const cp1252 = Buffer.from([...Buffer.from('Name,Email\nRen'), 0xe9, ...Buffer.from(' Dupr'), 0xe9, ...Buffer.from(',rene@example.test\n')]);
      const r = await call(h.module, 'volunteers.importCsv', { file: b64(cp1252) });
      expect(r.encoding).toBe('Windows-1252');
      expect(r.preview[0]!.name).toBe('René Dupré');
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Name\tEmail\r\nZoë Ng\tzoe@example.test\r\n', 'utf16le')]);
      const r2 = await call(h.module, 'volunteers.importCsv', { file: b64(utf16) });
      expect([r2.encoding, r2.preview[0]!.name, r2.preview[0]!.email]).toEqual(['UTF-16 LE', 'Zoë Ng', 'zoe@example.test']);
      expect((await preview('Name\nAna')).encoding).toBeNull();
    });
  });

  describe('reading in chunks', () => {
    const rowsOf = async (text: string, chunkChars?: number) => {
      const out: (CsvRow | string[])[] = [];
      await readCsvRows(text, (h) => out.push(h), (r) => out.push(r), { chunkChars });
      return out;
    };

    it('reads the same rows whatever the chunk size, quotes and CRLF split across chunks included', async () => {
      const text = 'Name,Notes\r\n"Ana ""A""","one,\r\ntwo"\r\nBen,plain\r\n\r\n"Cleo",""\r\nDan,"x"\r\n';
      const whole = await rowsOf(text);
      expect(whole).toHaveLength(5);
      for (const size of [1, 2, 3, 5, 7, 11]) expect(await rowsOf(text, size), `chunk ${size}`).toEqual(whole);
    });

    it('gives the event loop back while a large file is read', async () => {
      const text = `Name,Email\n${Array.from({ length: 60_000 }, (_, i) => `Person ${i},p${i}@example.test`).join('\n')}`;
      let turns = 0;
      const tick = setInterval(() => (turns += 1), 1);
      let rows = 0;
      await readCsvRows(text, () => undefined, () => {
        // Work per row as an import does, so the read takes long enough to need turns.
        for (let i = 0; i < 50; i += 1) rows += i % 2;
      }, { sliceMs: 2 });
      clearInterval(tick);
      expect(rows).toBeGreaterThan(0);
      expect(turns).toBeGreaterThan(2);
    });
  });
});
