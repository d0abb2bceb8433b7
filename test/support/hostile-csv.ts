/**
 * Hostile roster files, as the bytes a coordinator's machine could hand over: random binary,
 * hundreds of columns, 150–650-character headers, duplicate and prototype-named headers, broken
 * quotes, formula cells, control characters, right-to-left overrides, 20,000-character cells,
 * BOMs, UTF-16 (both byte orders) and Latin-1. Shared by the import fuzz suite
 * (src-main/engine/pipeline/roster/csv-import-fuzz.test.ts) and the import benchmark, which
 * sends the same files over HTTP while it probes /healthz.
 */
export type Rand = () => number;
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
export function hostileFile(rand: Rand): Buffer {
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
