// A stand-in for the parts of Electron the main process uses. It reports what the shell does
// as `FAKE <kind> <json>` lines on stdout, and plays one scripted session: once the IPC
// handler is registered it invokes a few requests, then quits.
import { EventEmitter } from 'node:events';
import path from 'node:path';

const home = process.env.FAKE_ELECTRON_HOME;
// FAKE_ELECTRON_PACKAGED=1 with FAKE_ELECTRON_RESOURCES plays the installed app's layout.
if (process.env.FAKE_ELECTRON_RESOURCES) process.resourcesPath = process.env.FAKE_ELECTRON_RESOURCES;
const report = (kind, value) => process.stdout.write(`FAKE ${kind} ${JSON.stringify(value ?? null)}\n`);

class FakeApp extends EventEmitter {
  isPackaged = process.env.FAKE_ELECTRON_PACKAGED === '1';
  setAppUserModelId() {}
  whenReady = () => Promise.resolve();
  // FAKE_ELECTRON_LOCK=held plays a second launch while the first still runs.
  requestSingleInstanceLock = () => process.env.FAKE_ELECTRON_LOCK !== 'held';
  paths = new Map();
  name = 'voluntree';
  setName(name) {
    this.name = name;
  }
  setPath(name, value) {
    this.paths.set(name, value);
  }
  setAppLogsPath() {
    this.paths.set('logs', path.join(this.getPath('userData'), 'logs'));
  }
  getPath = (name) => this.paths.get(name) ?? path.join(home, name === 'userData' ? this.name : name);
  getAppPath = () => process.cwd();
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      report('exit', 0);
      process.exit(0);
    }
  }
  exit(code) {
    report('exit', code);
    process.exit(code);
  }
}
export const app = new FakeApp();

const handlers = new Map();
export const ipcMain = {
  handle(channel, fn) {
    handlers.set(channel, fn);
    report('ipc-handle', channel);
    if (channel === 'vt:invoke') setImmediate(() => void script(fn));
  },
};

const windows = [];

/** What the window's guards decide for a link the page tries to follow or open. */
function tryLink(kind, url) {
  const contents = windows[0].webContents;
  if (kind === 'open') return { kind, url, result: contents.openHandler({ url }).action };
  let prevented = false;
  contents.emit('will-navigate', { url, preventDefault: () => (prevented = true) });
  return { kind, url, result: prevented ? 'prevented' : 'allowed' };
}

async function script(invoke) {
  for (const [kind, url] of [
    ['navigate', 'app://voluntree/#/events'],
    ['navigate', 'https://www.facebook.com/somepage'],
    ['navigate', 'file:///etc/passwd'],
    ['open', 'https://example.org/help'],
    ['open', 'javascript:alert(1)'],
  ]) {
    report('link', tryLink(kind, url));
  }
  const fromApp = { senderFrame: { url: 'app://voluntree/index.html' } };
  report('invoke', { name: 'system.health', reply: await invoke(fromApp, 'system.health', {}) });
  report('invoke', { name: 'evil', reply: await invoke({ senderFrame: { url: 'https://evil.example/' } }, 'system.health', {}) });
  report('invoke', { name: 'unknown', reply: await invoke(fromApp, 'nope.nothing', {}) });
  report('invoke', { name: 'bad-args', reply: await invoke(fromApp, 'system.health', { surprise: 1 }) });
  app.emit('second-instance', {}, [], '');
  app.quit();
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    report('window', options);
    const contents = new EventEmitter();
    contents.send = (channel, msg) => report('send', { channel, event: msg.event });
    contents.setWindowOpenHandler = (handler) => (contents.openHandler = handler);
    this.webContents = contents;
    app.emit('web-contents-created', {}, contents);
    windows.push(this);
  }
  loadURL(url) {
    report('load', url);
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  isDestroyed = () => false;
  isMinimized = () => false;
  show() {
    report('show');
  }
  hide() {}
  focus() {}
  restore() {}
}

export class Tray extends EventEmitter {
  setToolTip(text) {
    report('tray', text);
  }
  setContextMenu() {}
  destroy() {}
}
export const Menu = { buildFromTemplate: (t) => t };
export const nativeImage = { createFromPath: (p) => ({ path: p }) };
export class Notification extends EventEmitter {
  static isSupported = () => false;
  show() {}
}
export const dialog = { showErrorBox: (title, body) => report('error-box', { title, body }) };
export const shell = { openExternal: (url) => (report('open-external', url), Promise.resolve()) };
export const safeStorage = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' };
export const protocol = {
  registerSchemesAsPrivileged: (schemes) => report('schemes', schemes),
  handle: (scheme) => report('protocol', scheme),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: () => report('permissions', 'request handler'),
    setPermissionCheckHandler: () => report('permissions', 'check handler'),
    webRequest: { onHeadersReceived: () => undefined },
  },
};
export default { app, ipcMain, BrowserWindow, Tray, Menu, nativeImage, Notification, dialog, shell, safeStorage, protocol, session };
