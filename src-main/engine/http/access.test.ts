import { describe, expect, it } from 'vitest';
import { isJsonContentType, isLocalHost, isOwnOrigin } from './access';

describe('isLocalHost', () => {
  it.each(['127.0.0.1:4477', 'localhost:4477', 'LOCALHOST:4477', '[::1]:4477', '127.1.2.3:4477'])('accepts %s on the server port', (host) => {
    expect(isLocalHost(host, 4477)).toBe(true);
  });

  it.each([
    ['another port', '127.0.0.1:4478'],
    ['no port (80)', '127.0.0.1'],
    ['a public name', 'attacker.example:4477'],
    ['a rebinding name that resolves to loopback', '127.0.0.1.nip.io:4477'],
    ['a name ending in localhost', 'evil-localhost:4477'],
    ['a subdomain of localhost', 'a.localhost:4477'],
    ['a trailing dot', 'localhost.:4477'],
    ['an address outside 127/8', '10.0.0.1:4477'],
    ['an octet over 255', '127.0.0.256:4477'],
    ['0.0.0.0', '0.0.0.0:4477'],
    ['user info', 'user@127.0.0.1:4477'],
    ['an empty header', ''],
    ['no header', undefined],
    ['a second host', '127.0.0.1:4477, evil.example'],
  ])('refuses %s', (_what, host) => {
    expect(isLocalHost(host, 4477)).toBe(false);
  });

  it('accepts port 80 only when the server is on 80', () => {
    expect(isLocalHost('localhost', 80)).toBe(true);
  });
});

describe('isJsonContentType', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON'])('accepts %s', (type) => {
    expect(isJsonContentType(type)).toBe(true);
  });
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/jsonp', 'text/json', '', undefined])('refuses %s', (type) => {
    expect(isJsonContentType(type)).toBe(false);
  });
});

describe('isOwnOrigin', () => {
  it.each([undefined, 'http://127.0.0.1:4477', 'http://localhost:4477', 'http://[::1]:4477'])('accepts %s', (origin) => {
    expect(isOwnOrigin(origin, 4477)).toBe(true);
  });
  it.each([
    ['null (a local file or a sandboxed frame)', 'null'],
    ['another site', 'https://attacker.example'],
    ['another port on this computer', 'http://127.0.0.1:8080'],
    ['https on the right port', 'https://127.0.0.1:4477'],
    ['a rebinding name', 'http://127.0.0.1.nip.io:4477'],
    ['a path after the origin', 'http://127.0.0.1:4477/x'],
    ['two origins', 'http://127.0.0.1:4477, http://attacker.example'],
    ['the desktop window (it uses IPC, never this server)', 'app://voluntree'],
    ['an empty header', ''],
  ])('refuses %s', (_what, origin) => {
    expect(isOwnOrigin(origin, 4477)).toBe(false);
  });
});
