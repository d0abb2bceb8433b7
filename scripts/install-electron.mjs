// Fetches the Electron binary after `npm ci` when the machine can reach it.
// package.json turns off electron's own postinstall ("allowScripts") because on a machine
// that reaches only the npm registry it fails and would abort the whole install. Here we run
// the same installer ourselves, bounded in time, and only warn when it cannot finish:
// everything but the desktop window works without the binary (see README, "browser mode").
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function electronDir() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

const dir = electronDir();
if (!dir) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD === '1') process.exit(0);
if (existsSync(path.join(dir, 'path.txt'))) process.exit(0);

const timeoutMs = Number(process.env.VOLUNTREE_ELECTRON_INSTALL_TIMEOUT_MS ?? 120_000);
const child = spawn(process.execPath, [path.join(dir, 'install.js')], {
  cwd: dir,
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (chunk) => {
  stderr += chunk;
});
const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
child.on('exit', (code) => {
  clearTimeout(timer);
  if (code === 0 && existsSync(path.join(dir, 'path.txt'))) {
    console.log('voluntree: Electron binary installed.');
  } else {
    const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
    const reason = lines.find((l) => /error/i.test(l)) ?? lines.pop() ?? 'no network';
    console.warn(
      `voluntree: the Electron binary could not be downloaded (${reason.slice(0, 200)}). ` +
        '`npm start` will fall back to browser mode; `npm run serve` and the tests work as usual.',
    );
  }
  process.exit(0);
});
