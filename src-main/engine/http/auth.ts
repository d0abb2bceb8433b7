import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented token with the expected one in constant time (hashing evens lengths). */
export function tokenMatches(presented: string | null | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token from `Authorization: Bearer …`, or for the WebSocket (browsers cannot set headers) `?token=`. */
export function presentedToken(headers: Record<string, string | string[] | undefined>, url: string, allowQuery: boolean): string | null {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  if (allowQuery) {
    const q = new URL(url, 'http://local').searchParams.get('token');
    if (q) return q;
  }
  return null;
}
