import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRedisDir, desktopEngineConfig, type DesktopPlaces } from './desktop-config';

const places = (over: Partial<DesktopPlaces> = {}): DesktopPlaces => ({
  env: {},
  userData: '/home/c/.config/Voluntree',
  resourcesPath: '/opt/Voluntree/resources',
  appPath: '/home/c/src/voluntree',
  packaged: true,
  platform: 'linux',
  exists: () => true,
  ...over,
});

describe('desktop engine configuration', () => {
  it('keeps data in the user-data folder and takes Redis and the model from the resources', () => {
    const config = desktopEngineConfig(places());
    expect(config.dataDir).toBe('/home/c/.config/Voluntree');
    expect(config.bundledRedisDir).toBe(path.join('/opt/Voluntree/resources', 'redis'));
    expect(config.modelDir).toBe(path.join('/opt/Voluntree/resources', 'model'));
    expect(config.host).toBe('127.0.0.1');
  });

  it('uses the project folders when run from source', () => {
    const config = desktopEngineConfig(places({ packaged: false }));
    expect(config.bundledRedisDir).toBe(path.join('/home/c/src/voluntree', 'resources', 'redis'));
    expect(config.modelDir).toBe(path.join('/home/c/src/voluntree', 'model', 'artifact'));
  });

  it('lets the environment override, as in every mode', () => {
    const config = desktopEngineConfig(places({ env: { VOLUNTREE_DATA_DIR: '/tmp/vt', REDIS_URL: 'redis://127.0.0.1:6380', VOLUNTREE_MODEL_DIR: '/m' } }));
    expect(config.dataDir).toBe('/tmp/vt');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6380');
    expect(config.modelDir).toBe('/m');
  });

  it('refuses a host that is not loopback', () => {
    expect(() => desktopEngineConfig(places({ env: { VOLUNTREE_HOST: '0.0.0.0' } }))).toThrow(/loopback/);
  });
});

describe('bundled redis-server', () => {
  it('is found by its executable, .exe on Windows', () => {
    const seen: string[] = [];
    expect(bundledRedisDir(places({ platform: 'win32', exists: (f) => (seen.push(f), true) }))).toBe(path.join('/opt/Voluntree/resources', 'redis'));
    expect(seen[0]).toMatch(/redis-server\.exe$/);
  });

  it('is absent when nothing was bundled, so the supervisor goes on to PATH', () => {
    expect(bundledRedisDir(places({ exists: () => false }))).toBeNull();
  });
});
