// The built UI as the desktop window gets it, in Debian's Chromium: served the way the app://
// protocol serves it (same path rules, same CSP header), talking through the REAL built
// preload (out/preload/index.cjs) whose ipcRenderer is wired to a running engine. Checks the
// UI works under the desktop CSP with no violation, and that the bridge carries requests,
// errors and live events.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LIVE_EVENT_NAMES, REQUEST_NAMES } from '../../src-main/contract';
import { contentType, resolveAppFile } from '../../src-main/electron/app-files';
import { APP_ORIGIN, contentSecurityPolicy } from '../../src-main/electron/security';
import { ROOT, startApp, type RunningApp } from '../e2e/support/app';
import { launchBrowser } from '../e2e/support/browser';

let app: RunningApp;
let browser: Browser;
let server: http.Server;
let origin: string;
let live: WebSocket;

/** Serves out/renderer exactly as protocol.ts does, over loopback HTTP. */
function serveLikeAppProtocol(): Promise<http.Server> {
  const root = path.join(ROOT, 'out/renderer');
  const csp = contentSecurityPolicy();
  const srv = http.createServer(async (req, res) => {
    const file = resolveAppFile(root, `${APP_ORIGIN}${req.url ?? '/'}`);
    try {
      if (!file) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': contentType(file), 'Content-Security-Policy': csp });
      res.end(body);
    } catch {
      res.writeHead(404).end('Not found');
    }
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve(srv)));
}

/** Runs the built preload in the page with a stand-in `require('electron')`. */
function preloadHarness(preloadSource: string): string {
  return `(() => {
    const listeners = [];
    window.__vtLive = (msg) => { for (const fn of listeners) fn({}, msg); };
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
    const electron = {
      contextBridge: { exposeInMainWorld: (key, api) => { window[key] = Object.freeze(api); } },
      ipcRenderer: {
        invoke: (channel, name, args) => window.__vtIpc(channel, name, args),
        on: (channel, fn) => { if (channel === 'vt:live') listeners.push(fn); },
      },
    };
    const require = (id) => { if (id !== 'electron') throw new Error('the preload required ' + id); return electron; };
    const process = { argv: ${JSON.stringify([`--vt-requests=${REQUEST_NAMES.join(',')}`, `--vt-events=${LIVE_EVENT_NAMES.join(',')}`])} };
    const module = { exports: {} };
    (function (require, process, module, exports) {\n${preloadSource}\n})(require, process, module, module.exports);
  })();`;
}

async function openDesktopPage(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  // What main's vt:invoke handler does, with the engine reached over its local API.
  await page.exposeFunction('__vtIpc', async (channel: string, name: string, args: unknown) => {
    if (channel !== 'vt:invoke') return { ok: false, error: { code: 'internal', message: `unexpected channel ${channel}` } };
    const res = await fetch(`${app.url}/api/rpc/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.token}` },
      body: JSON.stringify(args ?? {}),
    });
    const body = (await res.json()) as { error?: { code: string; message: string } };
    return res.ok ? { ok: true, result: body } : { ok: false, error: body.error };
  });
  await page.addInitScript(preloadHarness(readFileSync(path.join(ROOT, 'out/preload/index.cjs'), 'utf8')));
  live.on('message', (data) => void page.evaluate((msg) => (window as unknown as { __vtLive(m: unknown): void }).__vtLive(msg), JSON.parse(String(data)) as unknown).catch(() => undefined));
  await page.goto(`${origin}/`);
  return { page, errors };
}

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
  server = await serveLikeAppProtocol();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  live = new WebSocket(`${app.url.replace('http', 'ws')}/api/live?token=${app.token}`);
  await new Promise((resolve, reject) => live.once('open', resolve).once('error', reject));
}, 120_000);

afterAll(async () => {
  live?.close();
  await browser?.close();
  await new Promise((r) => server?.close(r));
  await app?.stop();
});

describe('the UI as the desktop window loads it', () => {
  it('renders through the preload bridge with no CSP violation and no error', async () => {
    const { page, errors } = await openDesktopPage();
    const strip = page.getByTestId('status-strip');
    await expect.poll(() => strip.getByTestId('status-redis').innerText(), { timeout: 30_000 }).toMatch(/Redis\s+up/);
    expect(await page.evaluate(() => Object.keys(window.voluntree ?? {}).sort())).toEqual(['invoke', 'on']);
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('carries an engine error to the page with its code and message', async () => {
    const { page } = await openDesktopPage();
    await page.getByTestId('status-strip').waitFor();
    const rejected = await page.evaluate(async () => {
      try {
        await window.voluntree!.invoke('settings.set', { graphVersion: 'twenty' } as never);
        return null;
      } catch (err) {
        return err as { name: string; code: string; message: string };
      }
    });
    expect(rejected).toMatchObject({ name: 'RpcError', code: 'bad_arguments' });
    expect(rejected!.message).toMatch(/Graph API version/);
  });

  it('refuses names outside the contract in the page, before anything is sent', async () => {
    const { page } = await openDesktopPage();
    await page.getByTestId('status-strip').waitFor();
    const outcome = await page.evaluate(async () => {
      const results: string[] = [];
      try {
        await window.voluntree!.invoke('__proto__' as never, {} as never);
      } catch (err) {
        results.push((err as { code: string }).code);
      }
      try {
        window.voluntree!.on('ipc.raw' as never, () => undefined);
      } catch (err) {
        results.push((err as Error).message);
      }
      return results;
    });
    expect(outcome[0]).toBe('unknown_method');
    expect(outcome[1]).toMatch(/not a Voluntree live event/);
  });

  it('blocks what the CSP forbids: inline script and outside connections', async () => {
    const { page } = await openDesktopPage();
    await page.getByTestId('status-strip').waitFor();
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __inlineRan?: boolean; __cspViolations: string[] };
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.appendChild(s);
      let fetched = true;
      try {
        await fetch('https://example.org/');
      } catch {
        fetched = false;
      }
      await new Promise((r) => setTimeout(r, 50));
      return { inline: w.__inlineRan === true, fetched, violations: w.__cspViolations };
    });
    expect(ran.inline).toBe(false);
    expect(ran.fetched).toBe(false);
    expect(ran.violations.some((v) => v.startsWith('script-src'))).toBe(true);
    expect(ran.violations.some((v) => v.startsWith('connect-src'))).toBe(true);
  });
});
