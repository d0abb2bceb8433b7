import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRedisServer } from './paths';

describe('bundled redis-server', () => {
  const base = { resourcesPath: '/opt/Voluntree/resources', appPath: '/home/c/voluntree', platform: 'linux' as const };

  it('uses the packaged resources folder when packaged', () => {
    const seen: string[] = [];
    const found = bundledRedisServer({ ...base, packaged: true, exists: (f) => (seen.push(f), true) });
    expect(found).toBe(path.join('/opt/Voluntree/resources', 'redis', 'redis-server'));
  });

  it('uses the project resources folder when run from source', () => {
    expect(bundledRedisServer({ ...base, packaged: false, exists: () => true })).toBe(path.join('/home/c/voluntree', 'resources', 'redis', 'redis-server'));
  });

  it('names the Windows binary with .exe', () => {
    expect(bundledRedisServer({ ...base, platform: 'win32', packaged: true, exists: () => true })).toMatch(/redis-server\.exe$/);
  });

  it('gives nothing when no copy is bundled, so the supervisor goes on to PATH', () => {
    expect(bundledRedisServer({ ...base, packaged: true, exists: () => false })).toBeUndefined();
  });
});
