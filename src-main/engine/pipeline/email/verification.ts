import { createHash, randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long a code is valid, and how many wrong tries end it. */
export const CODE_TTL_MS = 15 * 60_000;
export const MAX_ATTEMPTS = 5;

interface Pending {
  email: string;
  codeHash: string;
  attempts: number;
  expiresAt: number;
  /** The message that asked for this code: the same message delivered again reuses it. */
  requestId: string;
  /** The last code message checked, and what it gave: a redelivered message does not spend a try. */
  lastCheckId: string | null;
  lastResult: CheckResult | null;
}

export type CheckResult =
  | { ok: true; email: string }
  | { ok: false; reason: 'wrong'; attemptsLeft: number }
  | { ok: false; reason: 'too_many' | 'expired' | 'none' };

const hash = (code: string): string => createHash('sha256').update(code).digest('hex');
export const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
export const CODE_PATTERN = /^\s*(\d{6})\s*$/;

/**
 * Six-digit email confirmation for an address given in Messenger. The code is kept (hashed)
 * in Redis under the person's PSID with an expiry; a wrong code spends one of MAX_ATTEMPTS.
 * Both steps are keyed by the Messenger message id, so a redelivered message changes nothing.
 */
export class EmailVerification {
  constructor(
    private readonly redis: Redis,
    private readonly keyFor: (psid: string) => string,
    private readonly now: () => number,
  ) {}

  /** Starts (or, for the same message delivered again, repeats) a verification; returns the code to email. */
  async start(psid: string, email: string, requestId: string): Promise<{ code: string; fresh: boolean }> {
    const key = this.keyFor(psid);
    const old = await this.read(key);
    if (old && old.requestId === requestId) {
      // The plain code is not stored; a redelivery is answered by the send-once email job already queued.
      return { code: '', fresh: false };
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const rec: Pending = { email, codeHash: hash(code), attempts: 0, expiresAt: this.now() + CODE_TTL_MS, requestId, lastCheckId: null, lastResult: null };
    await this.redis.set(key, JSON.stringify(rec), 'PX', CODE_TTL_MS * 2);
    return { code, fresh: true };
  }

  /** Checks a code the person sent; `checkId` is the message id. */
  async check(psid: string, code: string, checkId: string): Promise<CheckResult> {
    const key = this.keyFor(psid);
    const rec = await this.read(key);
    if (!rec) return { ok: false, reason: 'none' };
    if (rec.lastCheckId === checkId && rec.lastResult) return rec.lastResult;
    let result: CheckResult;
    if (this.now() > rec.expiresAt) result = { ok: false, reason: 'expired' };
    else if (rec.attempts >= MAX_ATTEMPTS) result = { ok: false, reason: 'too_many' };
    else if (hash(code) === rec.codeHash) result = { ok: true, email: rec.email };
    else {
      rec.attempts += 1;
      result = rec.attempts >= MAX_ATTEMPTS ? { ok: false, reason: 'too_many' } : { ok: false, reason: 'wrong', attemptsLeft: MAX_ATTEMPTS - rec.attempts };
    }
    rec.lastCheckId = checkId;
    rec.lastResult = result;
    // Kept after success or the end so a redelivered message gets the same answer; it expires by itself.
    await this.redis.set(key, JSON.stringify(rec), 'PX', CODE_TTL_MS * 2);
    return result;
  }

  private async read(key: string): Promise<Pending | null> {
    const text = await this.redis.get(key);
    return text ? (JSON.parse(text) as Pending) : null;
  }
}
