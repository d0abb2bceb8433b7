import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startApp, type RunningApp } from './app';
import { launchBrowser, openApp, type AppPage } from './browser';

/** One app (`serve` with the simulator) and one Chromium for a whole test file. */
export interface AppSession {
  readonly app: RunningApp;
  readonly browser: Browser;
  /** A fresh page on the app, at `route` (e.g. `#/events`). */
  open(route?: string): Promise<AppPage>;
}

/** Starts the app and the browser before the file's tests and stops both after them. */
export function appSession(opts: Parameters<typeof startApp>[0] = {}): AppSession {
  let app: RunningApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    app = await startApp(opts);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  const started = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`the ${what} has not started (did beforeAll fail?)`);
    return x;
  };
  return {
    get app() {
      return started(app, 'app');
    },
    get browser() {
      return started(browser, 'browser');
    },
    open(route = '') {
      return openApp(started(browser, 'browser'), started(app, 'app'), route);
    },
  };
}
