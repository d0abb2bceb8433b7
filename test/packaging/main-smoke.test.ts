// Runs the BUILT main process (out/main/index.js) in plain Node with a stand-in `electron`
// module: the real engine starts (supervised redis-server), the window gets its hardened
// preferences, IPC answers only the app, and quitting stops the engine before exiting.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, buildIsStale } from '../../scripts/lib/app-build.mjs';

const repo = path.resolve(import.meta.dirname, '../..');
const main = path.join(repo, 'out/main/index.js');

interface Run {
  code: number | null;
  events: Array<{ kind: string; value: unknown }>;
  stderr: string;
}

function runMain(home: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', path.join(import.meta.dirname, 'fake-electron/register.mjs'), main], {
      cwd: repo,
      env: { ...process.env, FAKE_ELECTRON_HOME: home, VOLUNTREE_TUNNEL: 'off', VOLUNTREE_PORT: '0', VOLUNTREE_DATA_DIR: '', REDIS_URL: '' },
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

describe('desktop main process (built, with a stand-in Electron)', () => {
  let home: string;
  let run: Run;
  beforeAll(async () => {
    if (buildIsStale(repo)) build(repo);
    expect(existsSync(main)).toBe(true);
    home = mkdtempSync(path.join(os.tmpdir(), 'vt-main-'));
    run = await runMain(home);
  }, 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const of = (kind: string) => run.events.filter((e) => e.kind === kind).map((e) => e.value);

  it('opens one hardened window on the app origin with the contract names for the preload', () => {
    const [options] = of('window') as Array<{ webPreferences: Record<string, unknown> }>;
    expect(options!.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String(options!.webPreferences.preload)).toMatch(/out[\\/]preload[\\/]index\.cjs$/);
    expect((options!.webPreferences.additionalArguments as string[]).some((a) => a.startsWith('--vt-requests=') && a.includes('system.health'))).toBe(true);
    expect(of('load')).toEqual(['app://voluntree/']);
    expect(of('permissions')).toEqual(['request handler', 'check handler']);
  });

  it('answers the app over IPC from the real engine, and refuses everyone else', () => {
    const replies = Object.fromEntries((of('invoke') as Array<{ name: string; reply: unknown }>).map((r) => [r.name, r.reply]));
    expect(replies['system.health']).toMatchObject({ ok: true, result: { redis: { up: true, mode: 'supervised' } } });
    expect(replies.evil).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(replies.unknown).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(replies['bad-args']).toMatchObject({ ok: false, error: { code: 'bad_arguments' } });
  });

  it('keeps its data in the user-data folder and stops the engine before exiting', () => {
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(of('error-box')).toEqual([]);
    // app.getPath('appData')/Voluntree, whatever package.json's name.
    expect(existsSync(path.join(home, 'appData', 'Voluntree', 'redis'))).toBe(true);
    expect(existsSync(path.join(home, 'appData', 'Voluntree', 'logs', 'voluntree.log'))).toBe(true);
    const stopAt = run.stderr.indexOf('engine stopped');
    expect(stopAt).toBeGreaterThan(-1);
    expect(run.events.at(-1)).toEqual({ kind: 'exit', value: 0 });
    expect(of('tray')).toContain('Voluntree is stopping…');
  });
});
