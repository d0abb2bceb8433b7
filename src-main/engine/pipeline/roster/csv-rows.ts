import Papa from 'papaparse';
import { RpcError } from '../../../contract/errors';
import { slicer } from '../../store/slicer';

/** What a roster file may hold; past these it is not a roster, and reading on would only cost time and memory. */
export const CSV_LIMITS = {
  /** Columns in the header row. */
  columns: 50,
  /** Characters in one header. */
  header: 200,
  /** Characters in one cell (notes have their own, smaller cap). */
  cell: 10_000,
  /** Characters in one row; a longer one is not a volunteer (and is usually a quote left open). */
  rowChars: 100_000,
  /** Data rows in one file. */
  rows: 100_000,
} as const;

/** One data row: its cells, where it starts in the file, and why it cannot be used (if so). */
export interface CsvRow {
  /** 1-based line in the file where the row starts (a cell with line breaks spans several). */
  line: number;
  cells: string[];
  problem: string | null;
}

export interface CsvReadOptions {
  /** Characters handed to the parser at a time. */
  chunkChars?: number;
  /** Longest stretch of parsing before other work (an HTTP request, `/healthz`) gets its turn. */
  sliceMs?: number;
}

const fmt = (n: number): string => n.toLocaleString('en-US');
type Newline = '\n' | '\r' | '\r\n';

/** Counts line breaks up to an offset; offsets only move forward, so the whole file is scanned once. */
function lineCounter(text: string, newline: Newline) {
  let pos = 0;
  let line = 1;
  const countTo = (from: number, to: number): number => {
    let n = 0;
    for (let i = text.indexOf(newline, from); i !== -1 && i < to; i = text.indexOf(newline, i + newline.length)) n += 1;
    return n;
  };
  return {
    /** The line at `offset`, which must not be before an offset asked for earlier. */
    advance(offset: number): number {
      if (offset > pos) {
        line += countTo(pos, offset);
        pos = offset;
      }
      return line;
    },
    /** The line at `offset` at or after the last one advanced to, without moving. */
    peek(offset: number): number {
      return offset > pos ? line + countTo(pos, offset) : line;
    },
  };
}

/** The parser's row-level complaints in the coordinator's words. */
function rowProblem(errors: readonly Papa.ParseError[]): string | null {
  const e = errors[0];
  if (!e) return null;
  if (e.code === 'InvalidQuotes') return 'The row could not be read: a quoted cell has a quote (") inside it that is not doubled ("")';
  return `The row could not be read: ${e.message}`;
}

/**
 * Reads CSV text row by row, in chunks, giving the event loop back every `sliceMs` so the rest
 * of the app (live updates, `/healthz`) keeps answering during a 10 MB import. Every text is
 * bounded on the way in: the header row (columns, header length) is refused whole with the
 * column at fault, and a data row with a cell that is too long or the wrong number of cells is
 * handed on with its problem, so it is reported rather than dropped. A quote that is never
 * closed, or a row that never ends, refuses the file with the line it starts on, instead of
 * reading the rest of the file as one cell. Papaparse's tokenizer does the reading (its delimiter
 * and line-break guess on the first chunk); the chunks are ours so that no single step can
 * take longer than one chunk and one row.
 */
export async function readCsvRows(
  text: string,
  onHeader: (headers: string[]) => void,
  onRow: (row: CsvRow) => void,
  opts: CsvReadOptions = {},
): Promise<void> {
  const chunkChars = opts.chunkChars ?? 64 * 1024;
  const sliceMs = opts.sliceMs ?? 2;
  // Guessed on a fixed sample (blank lines skipped, or a trailing one makes field counts differ).
  const guess = Papa.parse<string[]>(text.slice(0, 64 * 1024), { preview: 10, skipEmptyLines: true });
  const delimiter = guess.meta.delimiter || ',';
  const newline = (['\n', '\r', '\r\n'].includes(guess.meta.linebreak) ? guess.meta.linebreak : '\n') as Newline;
  const lines = lineCounter(text, newline);

  let headers: string[] | null = null;
  let dataRows = 0;
  let rowStart = 0;
  const takeRow = (cells: string[], errors: Papa.ParseError[], base: number, end: number): void => {
    const start = rowStart;
    rowStart = end;
    const missing = errors.find((e) => e.code === 'MissingQuotes');
    if (missing) {
      // The parser's index is just after the opening quote, counted from the start of this parse.
      const at = lines.peek(base + Math.max(0, (missing.index ?? 1) - 1));
      throw new RpcError('bad_arguments', `Line ${at} opens a quote (") that is never closed, so the rest of the file would be read as one cell. Close or remove that quote in the sheet, save, and import again.`);
    }
    if (cells.every((c) => c.trim() === '')) return;
    const line = lines.advance(start);
    if (!headers) {
      headers = headerRow(cells);
      onHeader(headers);
      return;
    }
    dataRows += 1;
    if (dataRows > CSV_LIMITS.rows) {
      throw new RpcError('bad_arguments', `The file has more than ${fmt(CSV_LIMITS.rows)} rows; split it into smaller files and import them one after another.`);
    }
    let problem = rowProblem(errors);
    // Cells past the header's columns are allowed only when empty (some sheets pad rows with commas).
    const extra = cells.slice(headers.length).some((c) => c.trim() !== '');
    if (!problem && (extra || cells.length < headers.length)) problem = `The row could not be read: it has ${fmt(cells.length)} cells and the header has ${fmt(headers.length)}`;
    const long = cells.findIndex((c) => c.length > CSV_LIMITS.cell);
    if (!problem && long !== -1) problem = `The cell in column ${long + 1} is longer than ${fmt(CSV_LIMITS.cell)} characters`;
    onRow({ line, cells: cells.slice(0, headers.length), problem });
  };

  let partial = '';
  let base = 0;
  const turn = slicer(sliceMs);
  for (let offset = 0; ; ) {
    const end = Math.min(text.length, offset + chunkChars);
    const last = end >= text.length;
    const input = partial + text.slice(offset, end);
    offset = end;
    const parseBase = base;
    const parser = new Papa.Parser({
      delimiter,
      newline,
      step: (r: Papa.ParseStepResult<string[]> & { data: string[][] }) => {
        const row = r.data[0];
        if (row) takeRow(row, r.errors, parseBase, r.meta.cursor);
      },
    });
    const res = parser.parse(input, base, !last) as Papa.ParseResult<string[]>;
    if (last) break;
    const cursor = res.meta.cursor;
    partial = input.slice(cursor - base);
    base = cursor;
    if (partial.length > CSV_LIMITS.rowChars) {
      // Read what is held so far as if the file ended here: an open quote shows up as such.
      const probe = new Papa.Parser({ delimiter, newline }).parse(partial, 0, false) as Papa.ParseResult<string[]>;
      const open = probe.errors.find((e) => e.code === 'MissingQuotes');
      const at = lines.peek(base + (open ? Math.max(0, (open.index ?? 1) - 1) : 0));
      throw new RpcError(
        'bad_arguments',
        open
          ? `Line ${at} opens a quote (") that is not closed within ${fmt(CSV_LIMITS.rowChars)} characters, so the rest of the file would be read as one cell. Close or remove that quote in the sheet, save, and import again.`
          : `The row on line ${at} is longer than ${fmt(CSV_LIMITS.rowChars)} characters; a roster row is far shorter. Is this a CSV file?`,
      );
    }
    await turn();
  }
  if (!headers) throw new RpcError('bad_arguments', 'The file has no header row (it is empty or holds only blank lines).');
}

/** The header row, trimmed, checked against the caps; refused whole, naming the column at fault. */
function headerRow(cells: string[]): string[] {
  if (cells.length > CSV_LIMITS.columns) {
    throw new RpcError('bad_arguments', `The header row has ${fmt(cells.length)} columns; at most ${CSV_LIMITS.columns} can be read. Delete the columns you do not need, save, and import again.`);
  }
  const headers = cells.map((h) => h.trim());
  const long = headers.findIndex((h) => h.length > CSV_LIMITS.header);
  if (long !== -1) {
    throw new RpcError('bad_arguments', `The header of column ${long + 1} is ${fmt(headers[long]!.length)} characters long; a header can be at most ${CSV_LIMITS.header}. Is the first line of the file the header row?`);
  }
  return headers;
}
