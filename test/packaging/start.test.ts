// `npm start` in a throwaway project: with and without an Electron binary.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];

function fakeProject(electron: 'missing' | 'present'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'vt-start-'));
  dirs.push(root);
  cpSync(path.join(repo, 'scripts/start.mjs'), path.join(root, 'scripts/start.mjs'));
  cpSync(path.join(repo, 'scripts/lib'), path.join(root, 'scripts/lib'), { recursive: true });
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fake', type: 'module' }));
  mkdirSync(path.join(root, 'src-main'));
  writeFileSync(path.join(root, 'src-main/a.ts'), 'export {};');
  for (const f of ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
    mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    writeFileSync(path.join(root, f), '');
  }
  // Sources older than the outputs: no build needed (the fake has no electron-vite).
  const past = new Date(Date.now() - 60_000);
  utimesSync(path.join(root, 'src-main/a.ts'), past, past);
  utimesSync(path.join(root, 'package.json'), past, past);
  mkdirSync(path.join(root, 'bin'));
  writeFileSync(path.join(root, 'bin/voluntree.js'), 'console.log("serve args:", JSON.stringify(process.argv.slice(2)));\n');
  mkdirSync(path.join(root, 'node_modules/electron'), { recursive: true });
  writeFileSync(path.join(root, 'node_modules/electron/package.json'), JSON.stringify({ name: 'electron', main: 'index.js' }));
  if (electron === 'missing') {
    writeFileSync(path.join(root, 'node_modules/electron/index.js'), "throw new Error('Electron failed to install correctly');\n");
  } else {
    const exe = path.join(root, 'fake-electron');
    writeFileSync(exe, '#!/bin/sh\necho "electron args: $*"\n');
    chmodSync(exe, 0o755);
    writeFileSync(path.join(root, 'node_modules/electron/index.js'), `module.exports = ${JSON.stringify(exe)};\n`);
  }
  return root;
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('npm start', () => {
  it('says so in one line and starts browser mode when the Electron binary is missing', () => {
    const root = fakeProject('missing');
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs'), '--minimized', '--port', '0'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      'Electron is not installed on this machine (its binary could not be downloaded); starting browser mode instead.',
      'serve args: ["serve","--port","0"]',
    ]);
  });

  it('launches Electron on the project when the binary is there', () => {
    const root = fakeProject('present');
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs'), '--minimized'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe('electron args: . --minimized');
  });
});
