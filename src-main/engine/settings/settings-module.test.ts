import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settingsPatch } from '../../contract/system';
import { configFromEnv } from '../config';
import { memoryLogger } from '../log';
import { Store } from '../store/store';
import { FileSecretStore } from './secret-store';
import { defaultSettings, SettingsService } from './settings-module';

describe('settings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = async (env: NodeJS.ProcessEnv = {}) => {
    const store = new Store(path.join(dir, 'data'), memoryLogger());
    return new SettingsService(configFromEnv({ VOLUNTREE_DATA_DIR: dir, ...env }), await store.collection('settings', defaultSettings), new FileSecretStore(dir));
  };

  it('keeps the Facebook App ID set in Settings across a restart, and lets FB_APP_ID override it', async () => {
    const s = await open();
    expect(s.view().appId).toBeNull();
    expect((await s.apply(settingsPatch.parse({ appId: ' 200000000000002 ' }))).appId).toBe('200000000000002');
    expect(s.appId()).toBe('200000000000002');
    expect((await open()).view().appId).toBe('200000000000002');
    expect((await open({ FB_APP_ID: '300000000000003' })).appId()).toBe('300000000000003');
    expect((await s.apply(settingsPatch.parse({ appId: null }))).appId).toBeNull();
  });

  it('refuses an App ID that is not the number Meta shows', () => {
    const r = settingsPatch.safeParse({ appId: 'my-app' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/App ID is the number/);
  });

  it('keeps the tunnel server chosen in Settings, the public one by default, and lets VOLUNTREE_TUNNEL_HOST override it', async () => {
    const s = await open();
    expect(s.view().tunnelHost).toBe('https://localtunnel.me');
    expect((await s.apply(settingsPatch.parse({ tunnelHost: ' https://tunnel.riverside-foodbank.org/ ' }))).tunnelHost).toBe('https://tunnel.riverside-foodbank.org');
    expect((await open()).tunnelHost()).toBe('https://tunnel.riverside-foodbank.org');
    vi.stubEnv('VOLUNTREE_TUNNEL_HOST', 'https://lt.example.net');
    try {
      expect((await open({ VOLUNTREE_TUNNEL_HOST: 'https://lt.example.net' })).tunnelHost()).toBe('https://lt.example.net');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('refuses a tunnel server that is not an https address of a server alone', () => {
    for (const bad of ['tunnel.example.org', 'http://tunnel.example.org', 'ftp://tunnel.example.org', 'https://tunnel.example.org/path', 'https://u:p@tunnel.example.org', '']) {
      const r = settingsPatch.safeParse({ tunnelHost: bad });
      expect(r.success, bad).toBe(false);
    }
    // Plain http only on this machine, e.g. a server reached through an SSH forward.
    expect(settingsPatch.parse({ tunnelHost: 'http://127.0.0.1:3000' }).tunnelHost).toBe('http://127.0.0.1:3000');
  });
});
