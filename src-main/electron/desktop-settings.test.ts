import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchOptions, loadDesktopSettings, saveDesktopSettings } from './desktop-settings';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'vt-desktop-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('desktop settings', () => {
  it('defaults when the file is missing or broken', () => {
    const dir = tempDir();
    expect(loadDesktopSettings(dir)).toEqual({ startMinimized: false });
    writeFileSync(path.join(dir, 'desktop.json'), '{ not json');
    expect(loadDesktopSettings(dir)).toEqual({ startMinimized: false });
    writeFileSync(path.join(dir, 'desktop.json'), JSON.stringify({ startMinimized: 'yes' }));
    expect(loadDesktopSettings(dir)).toEqual({ startMinimized: false });
  });

  it('saves and reads back, creating the folder', () => {
    const dir = path.join(tempDir(), 'nested');
    saveDesktopSettings(dir, { startMinimized: true });
    expect(loadDesktopSettings(dir)).toEqual({ startMinimized: true });
    expect(JSON.parse(readFileSync(path.join(dir, 'desktop.json'), 'utf8'))).toEqual({ startMinimized: true });
  });

  it('starts minimised when asked on the command line or in the settings', () => {
    expect(launchOptions(['/opt/Voluntree/voluntree'], { startMinimized: false })).toEqual({ minimized: false });
    expect(launchOptions(['/opt/Voluntree/voluntree', '--minimized'], { startMinimized: false })).toEqual({ minimized: true });
    expect(launchOptions(['/opt/Voluntree/voluntree'], { startMinimized: true })).toEqual({ minimized: true });
  });
});
