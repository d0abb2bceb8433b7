import { BrowserWindow } from 'electron';
import { LIVE_EVENT_NAMES, REQUEST_NAMES } from '../contract';
import { ARG_EVENTS, ARG_REQUESTS } from './channels';
import { secureWebPreferences } from './security';

export interface WindowOptions {
  preload: string;
  /** `app://voluntree/` when packaged or built, the dev server's URL under `electron-vite dev`. */
  url: string;
  show: boolean;
}

/** The coordinator's window. Closing it hides it to the tray; quitting goes through the tray or the app menu. */
export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Voluntree',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(opts.preload, [
      `${ARG_REQUESTS}${REQUEST_NAMES.join(',')}`,
      `${ARG_EVENTS}${LIVE_EVENT_NAMES.join(',')}`,
    ]),
  });
  win.once('ready-to-show', () => {
    if (opts.show) win.show();
  });
  void win.loadURL(opts.url);
  return win;
}
