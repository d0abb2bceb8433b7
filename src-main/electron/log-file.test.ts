import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogFile } from './log-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function write(stream: ReturnType<typeof openLogFile>, text: string): Promise<void> {
  return new Promise((resolve) => stream.end(text, () => resolve()));
}

describe('desktop log file', () => {
  it('appends across runs while small', async () => {
    const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'vt-log-')), 'logs');
    dirs.push(path.dirname(dir));
    await write(openLogFile(dir), 'one\n');
    await write(openLogFile(dir), 'two\n');
    expect(readFileSync(path.join(dir, 'voluntree.log'), 'utf8')).toBe('one\ntwo\n');
  });

  it('moves a grown log aside and starts a new one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vt-log-'));
    dirs.push(dir);
    writeFileSync(path.join(dir, 'voluntree.log'), 'x'.repeat(200));
    writeFileSync(path.join(dir, 'voluntree.log.1'), 'older');
    await write(openLogFile(dir, 100), 'fresh\n');
    expect(readFileSync(path.join(dir, 'voluntree.log'), 'utf8')).toBe('fresh\n');
    expect(readFileSync(path.join(dir, 'voluntree.log.1'), 'utf8')).toBe('x'.repeat(200));
    expect(existsSync(path.join(dir, 'voluntree.log.2'))).toBe(false);
  });
});
