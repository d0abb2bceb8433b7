/** The parts of Electron's safeStorage the secret store uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/**
 * Seals the engine's secrets (page token, app secret, SMTP password) with the OS keychain
 * through safeStorage. Undefined when the OS offers none: the file then stays readable by the
 * user only, as in browser mode. A value that no longer decrypts (keychain reset, another
 * machine) reads as unset, so the coordinator re-enters it instead of the app failing to start.
 */
export function secretCipher(
  safeStorage: SafeStorageLike,
  warn: (msg: string) => void,
): { encrypt(plain: string): string; decrypt(sealed: string): string } | undefined {
  if (!safeStorage.isEncryptionAvailable()) {
    warn('the system keychain is not available: secrets are kept in a file only this user can read');
    return undefined;
  }
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (sealed) => {
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        warn('a stored secret could not be decrypted; enter it again in Settings');
        return '';
      }
    },
  };
}
