// electron-builder `beforePack` hook: makes sure resources/redis holds a redis-server for the
// platform and architecture being packaged, so `npm run dist` needs no extra step. Linux
// packages must carry one; for macOS and Windows a missing binary is a warning (the app then
// finds Redis on PATH or uses REDIS_URL, and its supervisor says so). See docs/desktop.md.
//
// resources/redis/manifest.json records what scripts/bundle-redis.mjs bundled (platform, arch).
// A bundle made for another target (left from an earlier build, or copied from another
// machine) is never shipped: it is rebuilt when this machine can bundle for the target, and
// refused with the reason otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** electron-builder's Arch enum (builder-util) in Node's process.arch names. */
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'arm', 3: 'arm64', 4: 'universal' };

function readManifest(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

export default async function beforePack(context) {
  const projectDir = context.packager.projectDir;
  const out = path.join(projectDir, 'resources', 'redis');
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const target = `${platform}-${arch}`;
  const canBundle = platform === process.platform && arch === process.arch;
  const manifestFile = path.join(out, 'manifest.json');

  if (existsSync(manifestFile)) {
    const manifest = readManifest(manifestFile);
    const bundledFor = manifest?.platform && manifest?.arch ? `${manifest.platform}-${manifest.arch}` : 'an unknown platform';
    if (bundledFor === target) return;
    if (!canBundle) {
      throw new Error(
        `resources/redis holds a redis-server for ${bundledFor}, not for ${target} (the package being built). ` +
          `Bundle one for ${target} (node scripts/bundle-redis.mjs --from <redis-server built for it> on such a machine), ` +
          'or delete resources/redis to package without one (docs/desktop.md).',
      );
    }
    console.log(`  • resources/redis was bundled for ${bundledFor}; bundling redis-server again for ${target}`);
  } else if (!canBundle) {
    if (platform === 'linux') throw new Error(`no bundled redis-server for ${target}: put one in resources/redis (docs/desktop.md); Linux packages must carry one`);
    console.warn(`  • no bundled redis-server for ${target}: put one in resources/redis (docs/desktop.md)`);
    return;
  }

  const run = spawnSync(process.execPath, [path.join(projectDir, 'scripts', 'bundle-redis.mjs'), '--out', out], { cwd: projectDir, stdio: 'inherit' });
  if (run.status === 0) return;
  if (platform === 'linux') throw new Error('could not bundle redis-server for the Linux package (see the message above)');
  console.warn('  • packaging without a bundled redis-server (see the message above)');
}
