// The beforePack hook in a throwaway project: it keeps a bundle made for the target, bundles
// again over one made for another architecture, and refuses one it cannot replace.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import beforePack from '../../scripts/before-pack.mjs';

const repo = path.resolve(import.meta.dirname, '../..');
const ARCH = { ia32: 0, x64: 1, arm: 2, arm64: 3 } as const;
const hostArch = ARCH[process.arch as keyof typeof ARCH];
const otherArch = process.arch === 'arm64' ? 'x64' : 'arm64';
const dirs: string[] = [];

function project(manifest?: Record<string, unknown>): { root: string; manifestFile: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'vt-before-pack-'));
  dirs.push(root);
  cpSync(path.join(repo, 'scripts/bundle-redis.mjs'), path.join(root, 'scripts/bundle-redis.mjs'));
  const manifestFile = path.join(root, 'resources/redis/manifest.json');
  if (manifest) {
    mkdirSync(path.dirname(manifestFile), { recursive: true });
    writeFileSync(manifestFile, JSON.stringify(manifest));
  }
  return { root, manifestFile };
}

const manifestOf = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { platform: string; arch: string; version: string };

afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux' || hostArch === undefined)('beforePack (resources/redis)', () => {
  it('keeps a bundle made for the platform and architecture being packaged', async () => {
    const kept = { platform: 'linux', arch: process.arch, version: 'kept-as-is', libraries: [] };
    const { root, manifestFile } = project(kept);
    await beforePack({ packager: { projectDir: root }, electronPlatformName: 'linux', arch: hostArch! });
    expect(manifestOf(manifestFile)).toEqual(kept);
  });

  it('bundles again over a bundle made for another architecture, or with no record of one', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    for (const stale of [{ platform: 'linux', arch: otherArch, version: 'stale' }, { version: 'made before the manifest named its target' }]) {
      const { root, manifestFile } = project(stale);
      await beforePack({ packager: { projectDir: root }, electronPlatformName: 'linux', arch: hostArch! });
      expect(manifestOf(manifestFile)).toMatchObject({ platform: 'linux', arch: process.arch, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    }
  });

  it('refuses to ship a bundle made for another target it cannot bundle for, and says what to do', async () => {
    const { root, manifestFile } = project({ platform: 'linux', arch: process.arch, version: '7.0.15' });
    await expect(beforePack({ packager: { projectDir: root }, electronPlatformName: 'darwin', arch: ARCH.arm64 })).rejects.toThrow(
      new RegExp(`holds a redis-server for linux-${process.arch}, not for darwin-arm64.*delete resources/redis`),
    );
    await expect(beforePack({ packager: { projectDir: root }, electronPlatformName: 'linux', arch: ARCH[otherArch] })).rejects.toThrow(/not for linux-/);
    expect(manifestOf(manifestFile).version).toBe('7.0.15');
  });

  it('packages macOS or Windows without a bundle when there is none (a warning), but never Linux', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { root } = project();
    await beforePack({ packager: { projectDir: root }, electronPlatformName: 'win32', arch: ARCH.x64 });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/no bundled redis-server for win32-x64/));
    await expect(beforePack({ packager: { projectDir: root }, electronPlatformName: 'linux', arch: ARCH[otherArch] })).rejects.toThrow(/Linux packages must carry one/);
  });
});
