import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type SecretName = 'pageToken' | 'appSecret' | 'smtpPassword';
export const SECRET_NAMES: readonly SecretName[] = ['pageToken', 'appSecret', 'smtpPassword'];

/**
 * Where secrets live. The desktop app encrypts them with Electron's safeStorage (the OS
 * keychain); browser mode keeps them in a file only the user can read. Never in lowdb.
 */
export interface SecretStore {
  get(name: SecretName): string | null;
  set(name: SecretName, value: string | null): void;
}

/**
 * Secrets in `<dataDir>/secrets.json`, mode 0600, written atomically. Optionally sealed by a
 * cipher (the desktop app passes safeStorage's encrypt/decrypt), so the file never holds
 * plain text when the OS offers encryption.
 */
export class FileSecretStore implements SecretStore {
  private values: Partial<Record<SecretName, string>> = {};
  private readonly file: string;

  constructor(
    dir: string,
    private readonly cipher?: { encrypt(plain: string): string; decrypt(sealed: string): string },
  ) {
    this.file = path.join(dir, 'secrets.json');
    mkdirSync(dir, { recursive: true });
    if (existsSync(this.file)) {
      chmodSync(this.file, 0o600);
      const raw = JSON.parse(readFileSync(this.file, 'utf8')) as { sealed?: boolean; values?: Record<string, string> };
      for (const name of SECRET_NAMES) {
        const v = raw.values?.[name];
        if (typeof v === 'string') this.values[name] = raw.sealed && this.cipher ? this.cipher.decrypt(v) : v;
      }
    }
  }

  get(name: SecretName): string | null {
    return this.values[name] ?? null;
  }

  set(name: SecretName, value: string | null): void {
    if (value === null || value === '') delete this.values[name];
    else this.values[name] = value;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.values)) out[k] = this.cipher ? this.cipher.encrypt(v) : v;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ sealed: Boolean(this.cipher), values: out }), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
