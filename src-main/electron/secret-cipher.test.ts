import { describe, expect, it } from 'vitest';
import { secretCipher, type SafeStorageLike } from './secret-cipher';

const reversing: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  encryptString: (p) => Buffer.from([...p].reverse().join('')),
  decryptString: (b) => {
    const s = b.toString();
    if (s.startsWith('!')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return [...s].reverse().join('');
  },
};

describe('safeStorage cipher', () => {
  it('round-trips and never stores the plain value', () => {
    const cipher = secretCipher(reversing, () => undefined)!;
    const sealed = cipher.encrypt('EAAB-page-token');
    expect(sealed).not.toContain('EAAB-page-token');
    expect(cipher.decrypt(sealed)).toBe('EAAB-page-token');
  });

  it('reads a value that no longer decrypts as unset, with a warning', () => {
    const warnings: string[] = [];
    const cipher = secretCipher(reversing, (m) => void warnings.push(m))!;
    expect(cipher.decrypt(Buffer.from('!garbage').toString('base64'))).toBe('');
    expect(warnings).toEqual(['a stored secret could not be decrypted; enter it again in Settings']);
  });

  it('is absent when the OS has no keychain', () => {
    const warnings: string[] = [];
    expect(secretCipher({ ...reversing, isEncryptionAvailable: () => false }, (m) => void warnings.push(m))).toBeUndefined();
    expect(warnings.length).toBe(1);
  });
});
