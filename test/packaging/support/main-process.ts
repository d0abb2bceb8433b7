import { spawn } from 'node:child_process';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const BUILT_MAIN = path.join(REPO, 'out/main/index.js');

/** What one run of the built main process did, as the stand-in Electron reported it. */
export interface MainRun {
  code: number | null;
  events: Array<{ kind: string; value: unknown }>;
  stderr: string;
}

/**
 * Runs the built main process in plain Node with the stand-in `electron` module
 * (fake-electron/), which plays one scripted session and quits.
 */
export function runMain(home: string, args: string[] = [], env: Record<string, string> = {}): Promise<MainRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', path.join(import.meta.dirname, '../fake-electron/register.mjs'), BUILT_MAIN, ...args], {
      cwd: REPO,
      env: { ...process.env, FAKE_ELECTRON_HOME: home, VOLUNTREE_TUNNEL: 'off', VOLUNTREE_PORT: '0', VOLUNTREE_DATA_DIR: '', REDIS_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const events = stdout
        .split('\n')
        .filter((l) => l.startsWith('FAKE '))
        .map((l) => {
          const [, kind, ...rest] = l.split(' ');
          return { kind: kind!, value: JSON.parse(rest.join(' ')) as unknown };
        });
      resolve({ code, events, stderr });
    });
  });
}
