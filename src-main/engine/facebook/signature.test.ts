import { describe, expect, it } from 'vitest';
import { signatureFor, verifySignature } from './signature';

const SECRET = 'signature-test-secret';
const body = Buffer.from('{"object":"page","entry":[]}');
const right = signatureFor(body, SECRET);
const hex = right.slice('sha256='.length);

describe('verifySignature', () => {
  it('accepts the signature Meta sends for these bytes', () => {
    expect(verifySignature(body, right, SECRET)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the prefix alone', 'sha256='],
    ['upper-case hex', `sha256=${hex.toUpperCase()}`],
    ['an upper-case prefix', `SHA256=${hex}`],
    ['the sha1 prefix', `sha1=${hex}`],
    ['no prefix', hex],
    ['truncated by one digit', right.slice(0, -1)],
    ['truncated to half', right.slice(0, 'sha256='.length + 32)],
    ['junk after the right signature', `${right}zz`],
    ['an odd digit after the right signature', `${right}0`],
    ['a space after it', `${right} `],
    ['a space before it', ` ${right}`],
    ['two signatures joined', `${right}, ${right}`],
    ['the signature of other bytes', signatureFor(Buffer.from('{"object":"page","entry":[ ]}'), SECRET)],
    ['the signature with another secret', signatureFor(body, 'another-secret')],
  ])('refuses %s', (_what, header) => {
    expect(verifySignature(body, header, SECRET)).toBe(false);
  });
});
