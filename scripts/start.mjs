// `npm start`: the desktop app when the Electron binary is installed, browser mode otherwise.
// Builds out/ first when it is missing or older than the sources. Extra arguments go to the
// app (e.g. `npm start -- --minimized`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { build, buildIsStale } from './lib/app-build.mjs';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));

/** The Electron executable, or null when its download never happened (electron's index.js throws then). */
function electronBinary() {
  try {
    const file = require('electron');
    return typeof file === 'string' && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

const args = process.argv.slice(2);
const electron = electronBinary();
if (!electron) console.log('Electron is not installed on this machine (its binary could not be downloaded); starting browser mode instead.');

try {
  if (buildIsStale(root)) build(root);
} catch (err) {
  console.error(`voluntree: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = electron
  ? spawn(electron, ['.', ...args], { cwd: root, stdio: 'inherit', env })
  : spawn(process.execPath, [path.join(root, 'bin', 'voluntree.js'), 'serve', ...args.filter((a) => a !== '--minimized')], { cwd: root, stdio: 'inherit', env });

// Ctrl-C at a terminal reaches the child directly (same foreground process group), and npm
// may pass it on once more; a second SIGINT makes the app skip its orderly stop. So SIGINT is
// forwarded only when no terminal delivers it, and each signal at most once a second.
const lastSent = new Map();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (signal === 'SIGINT' && process.stdin.isTTY) return;
    if (child.exitCode !== null || Date.now() - (lastSent.get(signal) ?? 0) < 1000) return;
    lastSent.set(signal, Date.now());
    child.kill(signal);
  });
}
child.on('error', (err) => {
  console.error(`voluntree: could not start ${electron ? 'Electron' : 'browser mode'}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
