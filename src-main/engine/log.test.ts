import { describe, expect, it } from 'vitest';
import { memoryLogger, redact } from './log';

const SECRET = 'pw+with/odd=chars&ü-1234';

describe('redact', () => {
  it.each([
    ['plain', SECRET],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['base64', Buffer.from(SECRET).toString('base64')],
  ])('removes a known secret written %s', (_form, written) => {
    const out = redact(`before ${written} after`, [SECRET]);
    expect(out).toBe('before [redacted] after');
  });

  it('removes credential-shaped values it was not told about', () => {
    expect(redact('GET /x?access_token=abc123&y=1 Authorization: Bearer EAAGxyz', [])).toBe('GET /x?access_token=[redacted]&y=1 Authorization: Bearer [redacted]');
    expect(redact('redis://default:hunter2@127.0.0.1:6379', [])).toBe('redis://default:[redacted]@127.0.0.1:6379');
  });

  it('leaves short values alone, so a one-letter secret does not blank every line', () => {
    expect(redact('a b c', ['a'])).toBe('a b c');
  });

  it('applies to every line a logger writes, fields included', () => {
    const log = memoryLogger([SECRET]);
    log.warn(`failed with ${SECRET}`, { url: `https://x.test/?p=${encodeURIComponent(SECRET)}`, nested: { auth: Buffer.from(SECRET).toString('base64') } });
    expect(log.lines.join('\n')).not.toMatch(/pw\+with|pw%2Bwith|cHcrd2l0/);
  });
});
