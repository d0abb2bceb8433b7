import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvSafe, safeCsv } from './csv-safe';

describe('csvSafe', () => {
  it.each([
    ['=1+1'], ['+1'], ['-1-1'], ['@SUM(A1)'], ['\t=1'], ['\r=1'],
    [' =HYPERLINK("http://evil")'], ['   +1'], ['\t -1'], ['\u00a0=1'], ['\u3000@x'],
    ['＝1+1'], ['＋1'], ['－1'], ['＠SUM(A1)'], ['  ＝cmd'],
  ])('neutralises %j', (value) => {
    expect(csvSafe(value)).toBe(`'${value}`);
  });

  it.each([['Maria'], [''], ['  Maria'], ['a=b'], ['1+1'], ['maria@example.test'], ['2026-12-05'], ["'=already"]])('leaves %j alone', (value) => {
    expect(csvSafe(value)).toBe(value);
  });
});

describe('safeCsv', () => {
  it('neutralises every cell and header, whatever its type', () => {
    const csv = safeCsv(['=head', 'n', 'list'], [{ '=head': ' @x', n: -3, list: ['=a'] }, { n: 4 }]);
    const rows = Papa.parse<string[]>(csv).data;
    expect(rows).toEqual([["'=head", 'n', 'list'], ["' @x", "'-3", '["=a"]'], ['', '4', '']]);
  });
});
