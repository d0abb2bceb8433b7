import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT, type RunningApp } from './app';

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  return '/usr/bin/chromium';
}

/** Debian's Chromium, headless; never a downloaded browser. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface AppPage {
  page: Page;
  /** Uncaught errors and console errors seen so far (a test may assert there were none). */
  errors: string[];
}

/** Opens the UI the way the coordinator does: the address `serve` printed, token in the fragment. */
export async function openApp(browser: Browser, app: RunningApp, route = ''): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${app.url}/#token=${app.token}`);
  if (route) await page.evaluate((r) => (window.location.hash = r), route);
  return { page, errors };
}

export const SCREENSHOT_DIR = path.join(ROOT, 'docs/screenshots');

/** Saves a screenshot of the window for the docs; waits for fonts and the fill animations to settle. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}
