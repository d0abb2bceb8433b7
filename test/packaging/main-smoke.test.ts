// Runs the BUILT main process (out/main/index.js) in plain Node with a stand-in `electron`
// module: the real engine starts (supervised redis-server), the window gets its hardened
// preferences, IPC answers only the app, and quitting stops the engine before exiting.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, buildIsStale } from '../../scripts/lib/app-build.mjs';
import { BUILT_MAIN, REPO, runMain, type MainRun } from './support/main-process';

const repo = REPO;
const main = BUILT_MAIN;

describe('desktop main process (built, with a stand-in Electron)', () => {
  let home: string;
  let run: MainRun;
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

  it('keeps the window on the app and hands outside http(s) links to the system browser', () => {
    expect(of('link')).toEqual([
      { kind: 'navigate', url: 'app://voluntree/#/events', result: 'allowed' },
      { kind: 'navigate', url: 'https://www.facebook.com/somepage', result: 'prevented' },
      { kind: 'navigate', url: 'file:///etc/passwd', result: 'prevented' },
      { kind: 'open', url: 'https://example.org/help', result: 'deny' },
      { kind: 'open', url: 'javascript:alert(1)', result: 'deny' },
    ]);
    expect(of('open-external')).toEqual(['https://www.facebook.com/somepage', 'https://example.org/help']);
  });

  it('shows the window at start, and again when a second launch asks', () => {
    // ready-to-show, then the second launch.
    expect(of('show').length).toBe(2);
  });

  it('starts hidden with --minimized until a second launch brings the window up', async () => {
    const minimized = await runMain(home, ['--minimized']);
    expect(minimized.code, minimized.stderr.slice(-2000)).toBe(0);
    expect(minimized.events.filter((e) => e.kind === 'show').length).toBe(1);
  });

  it.skipIf(process.platform !== 'linux')('as installed, runs the redis-server bundled in its resources when PATH has none', async () => {
    const installed = mkdtempSync(path.join(os.tmpdir(), 'vt-installed-'));
    try {
      const bundled = spawnSync(process.execPath, [path.join(repo, 'scripts/bundle-redis.mjs'), '--out', path.join(installed, 'resources', 'redis')], { encoding: 'utf8' });
      expect(bundled.status, bundled.stderr).toBe(0);
      // The installed layout also carries the model (electron-builder's extraResources).
      if (existsSync(path.join(repo, 'model/artifact'))) cpSync(path.join(repo, 'model/artifact'), path.join(installed, 'resources', 'model'), { recursive: true });
      const nodeOnly = path.join(installed, 'bin');
      mkdirSync(nodeOnly);
      symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
      const packaged = await runMain(path.join(installed, 'home'), [], {
        FAKE_ELECTRON_PACKAGED: '1',
        FAKE_ELECTRON_RESOURCES: path.join(installed, 'resources'),
        PATH: nodeOnly,
        VOLUNTREE_REDIS_SERVER: '',
      });
      expect(packaged.code, packaged.stderr.slice(-2000)).toBe(0);
      const health = packaged.events.find((e) => e.kind === 'invoke' && (e.value as { name: string }).name === 'system.health')?.value;
      expect(health).toMatchObject({ reply: { ok: true, result: { redis: { up: true, mode: 'supervised' } } } });
      expect((health as { reply: { result: { problems: string[] } } }).reply.result.problems).toEqual([]);
      expect(packaged.events.filter((e) => e.kind === 'load').map((e) => e.value)).toEqual(['app://voluntree/']);
    } finally {
      rmSync(installed, { recursive: true, force: true });
    }
  });

  it('with no Redis anywhere, says how to get one and answers every request "unavailable"', async () => {
    const bare = mkdtempSync(path.join(os.tmpdir(), 'vt-noredis-'));
    try {
      mkdirSync(path.join(bare, 'bin'));
      mkdirSync(path.join(bare, 'resources'));
      symlinkSync(process.execPath, path.join(bare, 'bin', 'node'));
      const run = await runMain(path.join(bare, 'home'), [], {
        FAKE_ELECTRON_PACKAGED: '1',
        FAKE_ELECTRON_RESOURCES: path.join(bare, 'resources'),
        PATH: path.join(bare, 'bin'),
        VOLUNTREE_REDIS_SERVER: '',
      });
      expect(run.code).toBe(0);
      const [box] = run.events.filter((e) => e.kind === 'error-box').map((e) => e.value as { title: string; body: string });
      expect(box!.title).toBe('Voluntree could not start');
      expect(box!.body).toMatch(/apt-get install redis-server/);
      expect(box!.body).toMatch(/REDIS_URL/);
      const health = run.events.find((e) => e.kind === 'invoke' && (e.value as { name: string }).name === 'system.health')?.value;
      expect(health).toMatchObject({ reply: { ok: false, error: { code: 'unavailable' } } });
      expect(run.events.filter((e) => e.kind === 'tray').map((e) => e.value)).toContainEqual(expect.stringMatching(/^Voluntree could not start: Voluntree needs redis-server/));
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('a second launch exits at once, leaving the first to show its window', async () => {
    const second = await runMain(home, [], { FAKE_ELECTRON_LOCK: 'held' });
    expect(second.code).toBe(0);
    expect(second.events.map((e) => e.kind)).toEqual(['schemes', 'exit']);
  });
});
