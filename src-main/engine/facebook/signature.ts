import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` as Meta sends it in `X-Hub-Signature-256`. */
export function signatureFor(raw: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** Exactly what Meta sends: `sha256=` and 64 lower-case hex digits, nothing before or after. */
const SIGNATURE_HEADER = /^sha256=[0-9a-f]{64}$/;

/**
 * Checks Meta's signature over the bytes exactly as received, in constant time. Anything but
 * the exact header shape is refused before comparing: `Buffer.from(hex)` stops quietly at the
 * first non-hex character and drops an odd last digit, so without this a right signature with
 * junk after it would pass.
 */
export function verifySignature(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !SIGNATURE_HEADER.test(header)) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
