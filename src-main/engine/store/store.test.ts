import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../log';
import { Store } from './store';

describe('store of record', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vt-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('persists and reads back, leaving no temporary file', async () => {
    const store = new Store(dir, memoryLogger());
    const col = await store.collection('events', () => ({ events: [] as string[] }));
    await col.update((d) => d.events.push('Beach cleanup'));
    expect(JSON.parse(readFileSync(path.join(dir, 'events.json'), 'utf8'))).toEqual({ events: ['Beach cleanup'] });
    expect(readdirSync(dir)).toEqual(['events.json']);
    const again = await new Store(dir, memoryLogger()).collection('events', () => ({ events: [] as string[] }));
    expect(again.data.events).toEqual(['Beach cleanup']);
  });

  it('sets a corrupted file aside and reports it instead of overwriting it', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'volunteers.json'), '{"volunteers": {"a": {"name": "Mar');
    const log = memoryLogger();
    const store = new Store(dir, log);
    const col = await store.collection('volunteers', () => ({ volunteers: {} as Record<string, unknown> }));
    expect(col.data).toEqual({ volunteers: {} });
    expect(store.problems).toHaveLength(1);
    const aside = store.problems[0]!.setAsideAs;
    expect(existsSync(aside)).toBe(true);
    expect(readFileSync(aside, 'utf8')).toContain('"Mar');
    expect(log.lines.join('\n')).toMatch(/damaged/);
    await col.write();
    expect(readFileSync(aside, 'utf8')).toContain('"Mar');
  });

  it('coalesces writes requested while one is running', async () => {
    const store = new Store(dir, memoryLogger());
    const col = await store.collection('signups', () => ({ n: 0 }));
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 50; i += 1) {
      col.data.n += 1;
      writes.push(col.write());
    }
    await Promise.all(writes);
    expect(col.writes).toBeLessThanOrEqual(2);
    expect(JSON.parse(readFileSync(path.join(dir, 'signups.json'), 'utf8'))).toEqual({ n: 50 });
  });
});
