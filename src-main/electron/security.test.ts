import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  externalLink,
  guardContents,
  guardSession,
  isAppUrl,
  secureWebPreferences,
  type GuardedContents,
  type GuardedSession,
  type NavigationEvent,
} from './security';

class FakeContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(h: (d: { url: string }) => { action: 'deny' }): void {
    this.openHandler = h;
  }
  navigate(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', url: string): boolean {
    let prevented = false;
    const e: NavigationEvent = { url, preventDefault: () => void (prevented = true) };
    this.emit(event, e);
    return prevented;
  }
}

function guarded(origins = [APP_ORIGIN]) {
  const contents = new FakeContents();
  const opened: string[] = [];
  const warnings: string[] = [];
  guardContents(contents as unknown as GuardedContents, { origins, openExternal: (u) => void opened.push(u), warn: (m) => void warnings.push(m) });
  return { contents, opened, warnings };
}

describe('window hardening', () => {
  it('turns on isolation and the sandbox and turns off Node and webviews', () => {
    const prefs = secureWebPreferences('/app/preload/index.cjs', ['--x=1']);
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false, webSecurity: true });
    expect(prefs.additionalArguments).toEqual(['--x=1']);
  });

  it('keeps navigation inside the app and sends outside links to the system browser', () => {
    const { contents, opened } = guarded();
    expect(contents.navigate('will-navigate', `${APP_ORIGIN}/events`)).toBe(false);
    expect(contents.navigate('will-navigate', 'https://www.facebook.com/some-page')).toBe(true);
    expect(opened).toEqual(['https://www.facebook.com/some-page']);
  });

  it('never opens file:, javascript:, custom schemes or links with credentials', () => {
    const { contents, opened, warnings } = guarded();
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.org/', 'not a url']) {
      expect(contents.navigate('will-navigate', url)).toBe(true);
    }
    expect(opened).toEqual([]);
    expect(warnings.length).toBe(5);
  });

  it('denies every new window and opens only http(s) ones outside', () => {
    const { contents, opened } = guarded();
    expect(contents.openHandler?.({ url: 'https://example.org/a' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: `${APP_ORIGIN}/popup` })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///tmp/x.html' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.org/a']);
  });

  it('blocks redirects and frame navigations away from the app, and every webview', () => {
    const { contents, opened } = guarded();
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-frame-navigate', `${APP_ORIGIN}/x`)).toBe(false);
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => void (prevented = true) });
    expect(prevented).toBe(true);
    expect(opened).toEqual([]);
  });

  it('treats the dev server as the app only when it is one of the origins', () => {
    expect(isAppUrl('http://localhost:5173/x', [APP_ORIGIN])).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', [APP_ORIGIN, 'http://localhost:5173'])).toBe(true);
    expect(isAppUrl('app://voluntree.evil/x', [APP_ORIGIN])).toBe(false);
    expect(isAppUrl('app://other/x', [APP_ORIGIN])).toBe(false);
  });

  it('survives an openExternal that fails', async () => {
    const contents = new FakeContents();
    const warnings: string[] = [];
    guardContents(contents as unknown as GuardedContents, {
      origins: [APP_ORIGIN],
      openExternal: () => Promise.reject(new Error('no browser')),
      warn: (m) => void warnings.push(m),
    });
    contents.navigate('will-navigate', 'https://example.org/');
    await new Promise((r) => setImmediate(r));
    expect(warnings).toEqual(['the system browser did not open the link']);
  });
});

describe('external links', () => {
  it('normalises http(s) links and refuses the rest', () => {
    expect(externalLink('https://example.org/path?q=1')).toBe('https://example.org/path?q=1');
    expect(externalLink('HTTP://Example.org')).toBe('http://example.org/');
    expect(externalLink('mailto:someone@example.org')).toBeNull();
    expect(externalLink('https://a:b@example.org')).toBeNull();
    expect(externalLink('')).toBeNull();
  });
});

describe('content security policy', () => {
  it('allows only the app itself in production', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
  });

  it('adds only what the dev server needs in development', () => {
    const csp = contentSecurityPolicy('http://localhost:5173/');
    expect(csp).toContain("script-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self' ws://localhost:5173");
  });
});

describe('session hardening', () => {
  it('denies every permission and replaces any CSP header with ours', () => {
    let requestHandler: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
    let checkHandler: (() => boolean) | null = null;
    let headersListener: Parameters<GuardedSession['webRequest']['onHeadersReceived']>[0] | null = null;
    const session: GuardedSession = {
      setPermissionRequestHandler: (h) => void (requestHandler = h),
      setPermissionCheckHandler: (h) => void (checkHandler = h),
      webRequest: { onHeadersReceived: (l) => void (headersListener = l) },
    };
    guardSession(session, "default-src 'none'");
    const answers: boolean[] = [];
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal']) requestHandler!(null, p, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false]);
    expect(checkHandler!()).toBe(false);
    let headers: Record<string, string[]> | undefined;
    headersListener!({ responseHeaders: { 'content-security-policy': ['*'], 'Content-Type': ['text/html'] } }, (r) => void (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] });
  });
});
