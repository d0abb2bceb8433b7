import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Settings that belong to the desktop shell, not the engine (kept beside the engine's data). */
export interface DesktopSettings {
  startMinimized: boolean;
}

const DEFAULTS: DesktopSettings = { startMinimized: false };
const FILE = 'desktop.json';

export function loadDesktopSettings(dir: string): DesktopSettings {
  try {
    const raw = JSON.parse(readFileSync(path.join(dir, FILE), 'utf8')) as Partial<DesktopSettings>;
    return { startMinimized: raw.startMinimized === true };
  } catch {
    return { ...DEFAULTS };
  }
}

/** Writes through a temporary file so a crash never leaves half a file behind. */
export function saveDesktopSettings(dir: string, settings: DesktopSettings): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** How this launch was asked to start. */
export interface LaunchOptions {
  minimized: boolean;
}

export function launchOptions(argv: readonly string[], settings: DesktopSettings): LaunchOptions {
  return { minimized: settings.startMinimized || argv.includes('--minimized') || argv.includes('--hidden') };
}
