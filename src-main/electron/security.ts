// Window and session hardening. Only type imports from Electron, so the rules are tested in
// plain Node with stand-in objects (the tests never need the Electron binary).
import type { WebPreferences } from 'electron';
import { externalUrl } from '../contract/links';

/** The renderer's own origin in the packaged app (served by the `app://` protocol). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://voluntree`;

/**
 * The content security policy of every page the window loads. Production allows only the
 * app's own files; development adds what Vite's dev server needs (inline React refresh
 * preamble, its WebSocket).
 */
export function contentSecurityPolicy(devServer: string | null = null): string {
  const dev = devServer ? new URL(devServer) : null;
  const ws = dev ? ` ws://${dev.host}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${dev ? " 'unsafe-inline'" : ''}`,
    // React and charts set style attributes; no remote styles.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The window's web preferences: isolated, sandboxed, no Node, no webviews. */
export function secureWebPreferences(preload: string, additionalArguments: string[]): WebPreferences {
  return {
    preload,
    additionalArguments,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    // `new URL('app://voluntree/x').origin` is "null" for non-special schemes; build it ourselves.
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** True when `url` belongs to one of the app's own origins (the packaged app or the dev server). */
export function isAppUrl(url: string, origins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}

/**
 * The link to hand to the system browser, or null when it must not be opened (the rule the
 * window applies to links too: `externalUrl` in the contract).
 */
export const externalLink = externalUrl;

/** The parts of a WebContents the hardening touches (structural, so tests can stand in). */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (e: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (e: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface NavigationEvent {
  url: string;
  preventDefault(): void;
}

export interface GuardOptions {
  origins: readonly string[];
  openExternal: (url: string) => Promise<void> | void;
  warn: (msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Denies every navigation away from the app, every new window and every webview. An outside
 * http(s) link the coordinator clicks opens in the system browser instead.
 */
export function guardContents(contents: GuardedContents, opts: GuardOptions): void {
  const openOutside = (url: string): void => {
    const link = externalLink(url);
    if (!link || isAppUrl(link, opts.origins)) {
      opts.warn('blocked a link the app does not open', { scheme: url.split(':')[0] });
      return;
    }
    void Promise.resolve(opts.openExternal(link)).catch((err: unknown) => opts.warn('the system browser did not open the link', { err }));
  };
  const stayInside = (e: NavigationEvent): void => {
    if (isAppUrl(e.url, opts.origins)) return;
    e.preventDefault();
    openOutside(e.url);
  };
  contents.on('will-navigate', stayInside);
  contents.on('will-redirect', (e) => {
    if (!isAppUrl(e.url, opts.origins)) e.preventDefault();
  });
  contents.on('will-frame-navigate', (e) => {
    if (!isAppUrl(e.url, opts.origins)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
}

/** The parts of a Session the hardening touches. */
export interface GuardedSession {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/**
 * Denies every permission request (camera, location, notifications from pages…: desktop
 * notifications come from the main process) and puts the CSP on every response.
 */
export function guardSession(session: GuardedSession, csp: string): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}
