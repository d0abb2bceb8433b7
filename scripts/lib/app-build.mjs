// Knows whether out/ (electron-vite's output) is older than the sources, and rebuilds it.
// Shared by scripts/start.mjs and scripts/check-package.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const SOURCES = ['src-main', 'src-renderer', 'gears', 'model/src', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function newestMtime(file) {
  if (!existsSync(file)) return 0;
  const st = statSync(file);
  if (!st.isDirectory()) return /\.test\.tsx?$/.test(file) ? 0 : st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(file)) newest = Math.max(newest, newestMtime(path.join(file, entry)));
  return newest;
}

/** True when an output is missing or any source changed after the oldest output. */
export function buildIsStale(root) {
  const outputs = OUTPUTS.map((f) => path.join(root, f));
  if (outputs.some((f) => !existsSync(f))) return true;
  const oldestOutput = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > oldestOutput);
}

/**
 * Runs `electron-vite build`. Quiet unless it fails (then its output is printed), so callers
 * can keep their own messages to one line.
 */
export function build(root) {
  const require = createRequire(path.join(root, 'package.json'));
  const cli = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const run = spawnSync(process.execPath, [cli, 'build'], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(run.stdout ?? '');
    process.stderr.write(run.stderr ?? '');
    throw new Error('electron-vite build failed (output above).');
  }
}
