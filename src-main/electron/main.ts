// The desktop shell's bootstrap: one instance, a hardened window, the engine behind IPC, a
// tray, notifications, and an orderly quit. Everything with logic lives in the files it calls.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, Notification, app, dialog, ipcMain, safeStorage, session, shell } from 'electron';
import { STOP_SIGNALS } from '../cli/stop-on-signals';
import type { Engine } from '../engine/engine';
import { createLogger } from '../engine/log';
import { FileSecretStore } from '../engine/settings/secret-store';
import { IPC, type InvokeReply } from './channels';
import { desktopEngineConfig } from './desktop-config';
import { startDesktopEngine } from './desktop-engine';
import { launchOptions, loadDesktopSettings, saveDesktopSettings } from './desktop-settings';
import { createInvokeHandler, createLiveForwarder } from './ipc';
import { openLogFile } from './log-file';
import { signupNotice } from './notifications';
import { registerAppScheme, serveAppFiles } from './protocol';
import { secretCipher } from './secret-cipher';
import { APP_ORIGIN, contentSecurityPolicy, guardContents, guardSession } from './security';
import { createTray } from './tray';
import { trayStatus, type EngineState } from './tray-status';
import { createMainWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServer = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const origins = [APP_ORIGIN, ...(devServer ? [new URL(devServer).origin] : [])];

// One name and one data folder whether packaged or run from source (package.json's name is
// lowercase); set before the single-instance lock, which lives in the user-data folder.
app.setName('Voluntree');
app.setPath('userData', path.join(app.getPath('appData'), 'Voluntree'));
app.setAppLogsPath();
registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();
else void boot();

async function boot(): Promise<void> {
  await app.whenReady();
  // Windows shows notifications only for an app with a user model id (the installer's appId).
  if (process.platform === 'win32') app.setAppUserModelId('org.voluntree.desktop');
  const userData = app.getPath('userData');
  const logFile = openLogFile(app.getPath('logs'));
  const log = createLogger({ bindings: { process: 'desktop' }, write: (line) => void (logFile.write(`${line}\n`), process.stderr.write(`${line}\n`)) });
  let settings = loadDesktopSettings(userData);
  const launch = launchOptions(process.argv, settings);

  const csp = contentSecurityPolicy(devServer);
  guardSession(session.defaultSession, csp);
  serveAppFiles(path.join(here, '../renderer'), csp);
  app.on('web-contents-created', (_e, contents) => guardContents(contents, { origins, openExternal: (url) => shell.openExternal(url), warn: log.warn }));

  let win: BrowserWindow | null = null;
  let quitting = false;
  const openWindow = (visible: boolean): BrowserWindow => {
    const w = createMainWindow({ preload: path.join(here, '../preload/index.cjs'), url: devServer ?? `${APP_ORIGIN}/`, show: visible });
    // Closing hides to the tray: replies and signups keep flowing while the window is away.
    w.on('close', (e) => {
      if (quitting) return;
      e.preventDefault();
      w.hide();
    });
    return w;
  };
  const show = (): void => {
    if (!win || win.isDestroyed()) win = openWindow(true);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  app.on('second-instance', show);
  app.on('activate', show);

  let state: EngineState = 'starting';
  let failure: string | undefined;
  const tray = createTray(
    { show, quit: () => app.quit(), setStartMinimized: (v) => saveDesktopSettings(userData, (settings = { ...settings, startMinimized: v })) },
    settings.startMinimized,
  );
  let engine: Engine | null = null;
  const refresh = async (): Promise<void> => tray.setStatus(trayStatus(state, state === 'running' && engine ? await engine.health() : null, failure));
  const starting = (async () => {
    const config = desktopEngineConfig({ env: process.env, userData, resourcesPath: process.resourcesPath, appPath: app.getAppPath(), packaged: app.isPackaged, platform: process.platform, exists: existsSync });
    const secrets = new FileSecretStore(config.dataDir, secretCipher(safeStorage, log.warn));
    return startDesktopEngine({ config, log, secrets, portIsExplicit: process.env.VOLUNTREE_PORT !== undefined });
  })().then(
    (started) => {
      engine = started;
      state = 'running';
      engine.live.on(createLiveForwarder(onLive));
    },
    (err: unknown) => {
      state = 'failed';
      failure = err instanceof Error ? err.message : String(err);
      log.error('the engine did not start', { err });
      dialog.showErrorBox('Voluntree could not start', failure);
    },
  );
  const onLive: Parameters<typeof createLiveForwarder>[0] = (msg) => {
    if (win && !win.isDestroyed()) win.webContents.send(IPC.live, msg);
    if (msg.event === 'signup.created' && Notification.isSupported()) {
      const notice = signupNotice(msg.payload);
      if (notice) new Notification(notice).on('click', show).show();
    }
  };
  const invoke = createInvokeHandler({ engine: { call: (name, args, c) => engine!.call(name, args, c) }, origins, log });
  ipcMain.handle(IPC.invoke, async (event, name: unknown, args: unknown): Promise<InvokeReply> => {
    await starting;
    if (!engine) return { ok: false, error: { code: 'unavailable', message: `Voluntree could not start: ${failure ?? 'unknown error'}` } };
    return invoke(event, name, args);
  });
  win = openWindow(!launch.minimized);
  void starting.then(refresh);
  setInterval(() => void refresh().catch(() => undefined), 15_000).unref();

  // Quit in order: stop the engine (drain workers, close queues and connections, stop Redis), then exit.
  let stopped = false;
  app.on('before-quit', (e) => {
    quitting = true;
    if (stopped) return;
    e.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    void refresh();
    const force = setTimeout(() => app.exit(1), 20_000);
    void starting
      .then(() => engine?.stop())
      .catch((err: unknown) => log.error('the engine did not stop cleanly', { err }))
      .finally(() => {
        clearTimeout(force);
        stopped = true;
        tray.destroy();
        app.quit();
      });
  });
  // The same signals as browser mode: SIGHUP too, or Redis (its own process group) would outlive the app.
  for (const signal of STOP_SIGNALS) process.on(signal, () => app.quit());
  // Windows only hide; keep running until Quit.
  app.on('window-all-closed', () => undefined);
}
