// electron-builder `beforePack` hook: makes sure resources/redis holds a redis-server for the
// platform being packaged, so `npm run dist` needs no extra step. Linux packages must carry
// one; for macOS and Windows a missing binary is a warning (the app then finds Redis on PATH
// or uses REDIS_URL, and its supervisor says so). See docs/desktop.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export default async function beforePack(context) {
  const projectDir = context.packager.projectDir;
  const out = path.join(projectDir, 'resources', 'redis');
  if (existsSync(path.join(out, 'manifest.json'))) return;
  const platform = context.electronPlatformName;
  if (platform !== process.platform) {
    console.warn(`  • no bundled redis-server for ${platform}: put one in resources/redis (docs/desktop.md)`);
    return;
  }
  const run = spawnSync(process.execPath, [path.join(projectDir, 'scripts', 'bundle-redis.mjs'), '--out', out], { cwd: projectDir, stdio: 'inherit' });
  if (run.status === 0) return;
  if (platform === 'linux') throw new Error('could not bundle redis-server for the Linux package (see the message above)');
  console.warn('  • packaging without a bundled redis-server (see the message above)');
}
