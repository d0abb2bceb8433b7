// Renders build/icon.svg to the PNG sizes the installers and the tray use, with the
// headless Chromium found on PATH (or CHROMIUM=/path/to/chrome). Run after changing the SVG:
//   node build/make-icons.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = import.meta.dirname;
const svg = readFileSync(path.join(here, 'icon.svg'), 'utf8');
const chromium = process.env.CHROMIUM ?? 'chromium';
const work = mkdtempSync(path.join(os.tmpdir(), 'vt-icons-'));

function render(size, out) {
  const page = path.join(work, `icon-${size}.html`);
  const img = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  writeFileSync(page, `<html><body style="margin:0;background:transparent"><img src="${img}" width="${size}" height="${size}" style="display:block"></body></html>`);
  execFileSync(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run',
    '--disable-background-networking', '--disable-component-update',
    '--default-background-color=00000000', `--window-size=${size},${size}`,
    `--screenshot=${out}`, `file://${page}`,
  ], { stdio: 'ignore' });
  console.log(`${path.relative(process.cwd(), out)} ${size}x${size}`);
}

mkdirSync(path.join(here, 'icons'), { recursive: true });
render(1024, path.join(here, 'icon.png'));
for (const size of [16, 32, 48, 64, 128, 256, 512]) render(size, path.join(here, 'icons', `${size}x${size}.png`));
render(32, path.join(here, 'tray-icon.png'));
render(64, path.join(here, 'tray-icon@2x.png'));
rmSync(work, { recursive: true, force: true });
