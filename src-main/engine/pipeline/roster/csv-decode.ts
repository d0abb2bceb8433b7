import { Buffer } from 'node:buffer';
import type { RosterEncoding } from '../../../contract/volunteers';
import { slicer } from '../../store/slicer';

export interface DecodedFile {
  text: string;
  encoding: RosterEncoding;
}

/**
 * Reads a roster file's bytes as the program that saved it meant them. Spreadsheets save CSV in
 * one of a few ways: "CSV UTF-8" (Excel puts a byte-order mark first), "Unicode text" (UTF-16
 * little-endian with a mark), or the system's legacy code page, which for the languages our
 * coordinators use is Windows-1252 and carries no mark. Without a mark, bytes that are valid
 * UTF-8 are UTF-8 (ASCII is both); anything else is read as Windows-1252, which maps every byte
 * to some character, so an "é" saved by an old Excel arrives as "é" rather than "�".
 */
export async function decodeRosterFile(bytes: Uint8Array): Promise<DecodedFile> {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: await inSlices(bytes.subarray(3), new TextDecoder('utf-8')), encoding: 'UTF-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: await inSlices(bytes.subarray(2), new TextDecoder('utf-16le')), encoding: 'UTF-16 LE' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    // Swapped into little-endian rather than asking for 'utf-16be', which a Node built with
    // small ICU does not have; an odd last byte is dropped as the decoder would drop it.
    const le = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    le.swap16();
    return { text: await inSlices(le, new TextDecoder('utf-16le')), encoding: 'UTF-16 BE' };
  }
  try {
    return { text: await inSlices(bytes, new TextDecoder('utf-8', { fatal: true })), encoding: 'UTF-8' };
  } catch {
    return { text: await inSlices(bytes, null), encoding: 'Windows-1252' };
  }
}

/** Megabyte by megabyte, giving the event loop back between (a 10 MB file took ~100 ms in one go). */
async function inSlices(bytes: Uint8Array, decoder: TextDecoder | null): Promise<string> {
  const STEP = 1 << 20;
  const turn = slicer();
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += STEP) {
    const piece = bytes.subarray(at, at + STEP);
    // Windows-1252 is one byte a character, so any cut is safe; the others decode as a stream.
    parts.push(decoder ? decoder.decode(piece, { stream: at + STEP < bytes.length }) : windows1252(piece));
    await turn();
  }
  if (decoder && bytes.length === 0) parts.push(decoder.decode());
  return parts.join('');
}

/**
 * Windows-1252 differs from Latin-1 only in bytes 80–9F, where it has the curly quotes, dashes,
 * € and a few letters (the WHATWG Encoding Standard's index-windows-1252; the five bytes it
 * leaves undefined stay the control characters of the same number). Decoded by hand because
 * Node 20's `TextDecoder('windows-1252')` returns Latin-1 for those bytes (seen here: 0x96 came
 * back as U+0096, not "–"), and those are exactly the characters a sheet's names and notes use.
 */
const CP1252_80_9F = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f'
  + '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function windows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\u0080-\u009f]/g, (c) => CP1252_80_9F[c.charCodeAt(0) - 0x80]!);
}
