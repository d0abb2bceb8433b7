import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` as Meta sends it in `X-Hub-Signature-256`. */
export function signatureFor(raw: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/**
 * Checks Meta's signature over the bytes exactly as received, in constant time. Anything but
 * a well-formed `sha256=` header of the right length is refused before comparing.
 */
export function verifySignature(raw: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}
