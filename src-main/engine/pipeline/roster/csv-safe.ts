/**
 * Guards a cell against formula injection when the CSV is opened in a spreadsheet: a value that
 * starts with = + - @ (or a tab / carriage return) is prefixed with an apostrophe.
 */
export function csvSafe(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
