import Papa from 'papaparse';

/**
 * The characters a spreadsheet reads as the start of a formula (= + - @), their fullwidth forms
 * (＝ ＋ － ＠, which some spreadsheets fold to the ASCII ones), and tab / carriage return, which
 * can move a cell's start so that what follows is read as a new cell.
 */
const FORMULA_START = /^[\s\u00a0\u2000-\u200b\u3000\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;

/**
 * Guards a cell against formula injection when the CSV is opened in a spreadsheet: a value whose
 * first non-space character starts a formula (see FORMULA_START) is prefixed with an apostrophe,
 * so the spreadsheet shows it as text. Leading spaces count because spreadsheets skip them
 * before deciding whether a cell is a formula.
 */
export function csvSafe(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One cell as text: empty for nothing, JSON for objects and arrays. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A CSV file with every cell, header included, passed through `csvSafe`: the only way exports
 * are written, so a column added later cannot be left raw.
 */
export function safeCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return Papa.unparse({
    fields: columns.map(csvSafe),
    data: rows.map((row) => columns.map((c) => csvSafe(cellText(row[c])))),
  });
}
