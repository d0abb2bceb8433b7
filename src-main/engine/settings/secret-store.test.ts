import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from './secret-store';

describe('FileSecretStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-secret-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = () => path.join(dir, 'secrets.json');

  it('keeps secrets in a file only the user can read, and reads them back after a restart', () => {
    new FileSecretStore(dir).set('pageToken', 'EAAG-stored-token');
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(new FileSecretStore(dir).get('pageToken')).toBe('EAAG-stored-token');
  });

  it.each([null, ''])('removes a secret given %j, from memory and from the file', (cleared) => {
    const store = new FileSecretStore(dir);
    store.set('pageToken', 'EAAG-to-remove');
    store.set('smtpPassword', 'kept-password');
    store.set('pageToken', cleared);
    expect(store.get('pageToken')).toBeNull();
    expect(readFileSync(file(), 'utf8')).not.toContain('EAAG-to-remove');
    const reopened = new FileSecretStore(dir);
    expect(reopened.get('pageToken')).toBeNull();
    expect(reopened.get('smtpPassword')).toBe('kept-password');
  });

  it('holds no plain text when sealed by a cipher (the desktop app passes the OS keychain)', () => {
    const cipher = {
      encrypt: (plain: string) => Buffer.from(plain, 'utf8').reverse().toString('base64'),
      decrypt: (sealed: string) => Buffer.from(sealed, 'base64').reverse().toString('utf8'),
    };
    new FileSecretStore(dir, cipher).set('appSecret', 'sealed-app-secret');
    const raw = readFileSync(file(), 'utf8');
    expect(raw).not.toContain('sealed-app-secret');
    expect(raw).not.toContain(Buffer.from('sealed-app-secret').toString('base64'));
    expect(new FileSecretStore(dir, cipher).get('appSecret')).toBe('sealed-app-secret');
  });
});
