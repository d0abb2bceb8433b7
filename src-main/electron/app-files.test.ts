import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentType, resolveAppFile } from './app-files';

const root = path.resolve('/srv/app/out/renderer');

describe('app:// files', () => {
  it('serves files under the renderer folder and index.html for routes', () => {
    expect(resolveAppFile(root, 'app://voluntree/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://voluntree/events/42')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://voluntree/assets/index-abc.js?x=1')).toBe(path.join(root, 'assets/index-abc.js'));
  });

  it('refuses anything that leaves the folder or comes from another host', () => {
    for (const url of [
      'app://voluntree/../../etc/passwd.txt',
      'app://voluntree/%2e%2e/%2e%2e/etc/passwd.txt',
      'app://voluntree/assets/..%2f..%2f..%2fsecret.json',
      'app://voluntree/a%5c..%5c..%5csecret.json',
      'app://voluntree/a%00.js',
      'app://voluntree/%E0%A4%A.js',
      'app://other/index.html',
      'https://voluntree/index.html',
      'nonsense',
    ]) {
      const file = resolveAppFile(root, url);
      if (file !== null) expect(file.startsWith(root + path.sep)).toBe(true);
    }
    // The URL parser already folds %2e%2e segments, so this one stays inside the folder.
    expect(resolveAppFile(root, 'app://voluntree/%2e%2e/%2e%2e/etc/passwd.txt')).toBe(path.join(root, 'etc/passwd.txt'));
    expect(resolveAppFile(root, 'app://voluntree/assets/..%2f..%2f..%2fsecret.json')).toBeNull();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'app://voluntree/a%00.js')).toBeNull();
  });

  it('names content types the renderer uses', () => {
    expect(contentType('x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentType('x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentType('x/unknown.bin')).toBe('application/octet-stream');
  });
});
