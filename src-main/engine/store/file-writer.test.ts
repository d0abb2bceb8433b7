import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileWriter } from './file-writer';

describe('FileWriter', () => {
  let dir = '';
  let writer: FileWriter | null = null;
  afterEach(async () => {
    await writer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('replaces a file with the new content, creating its folder, and leaves no temporary file', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-writer-'));
    writer = new FileWriter();
    const file = path.join(dir, 'data', 'roster.json');
    await writer.write(file, '{"a":1}');
    await writer.write(file, '{"a":"é ✓ 2"}');
    expect(readFileSync(file, 'utf8')).toBe('{"a":"é ✓ 2"}');
    expect(readdirSync(path.dirname(file))).toEqual(['roster.json']);
  });

  it('rejects with the file system error and keeps working afterwards', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-writer-'));
    writer = new FileWriter();
    writeFileSync(path.join(dir, 'not-a-folder'), 'x');
    const bad = writer.write(path.join(dir, 'not-a-folder', 'x.json'), '{}');
    await expect(bad).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    await writer.write(path.join(dir, 'ok.json'), '[]');
    expect(readFileSync(path.join(dir, 'ok.json'), 'utf8')).toBe('[]');
  });

  it('ends its thread when idle and starts a new one for the next write', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-writer-'));
    writer = new FileWriter(10);
    await writer.write(path.join(dir, 'a.json'), '1');
    const w = writer as unknown as { worker: unknown };
    for (let i = 0; i < 200 && w.worker; i += 1) await new Promise((r) => setTimeout(r, 10));
    expect(w.worker).toBeNull();
    await writer.write(path.join(dir, 'a.json'), '2');
    expect(readFileSync(path.join(dir, 'a.json'), 'utf8')).toBe('2');
  });

  it('fails writes still waiting when it is closed', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-writer-'));
    writer = new FileWriter();
    const pending = writer.write(path.join(dir, 'a.json'), 'x'.repeat(1_000_000));
    const closing = writer.close();
    await closing;
    await pending.then(
      () => expect(readFileSync(path.join(dir, 'a.json'), 'utf8')).toHaveLength(1_000_000),
      (err: Error) => expect(err.message).toMatch(/closed/),
    );
  });
});
