import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../log';
import { RecordJson } from './record-json';
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

  it('keeps records whose ids are prototype names as ordinary records, on disk and after a restart', async () => {
    const records = new RecordJson();
    const open = async (store: Store) => store.collection('comments', () => ({}) as Record<string, { text: string }>, records, true);
    const col = await open(new Store(dir, memoryLogger()));
    expect(Object.getPrototypeOf(col.data)).toBeNull();
    await col.update((d) => {
      d['__proto__'] = { text: 'count me in' };
      d['constructor'] = { text: 'me too' };
      d['toString'] = { text: 'and me' };
      d['1_2'] = { text: 'what time?' };
      for (const id of ['__proto__', 'constructor', 'toString', '1_2']) records.mark(id);
    });
    expect(({} as Record<string, unknown>).text).toBeUndefined();
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'comments.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(onDisk).sort()).toEqual(['1_2', '__proto__', 'constructor', 'toString']);
    const again = await open(new Store(dir, memoryLogger()));
    expect(Object.getPrototypeOf(again.data)).toBeNull();
    expect(Object.keys(again.data).sort()).toEqual(['1_2', '__proto__', 'constructor', 'toString']);
    expect(again.data['__proto__']).toEqual({ text: 'count me in' });
    expect(again.data['constructor']).toEqual({ text: 'me too' });
  });

  it('refuses to write a record under a key that is not a string, instead of writing a file that does not parse', async () => {
    // A record put under an undefined id lands under the key "undefined"; marking the undefined
    // id used to write it as `undefined:{…}`, a file that no longer parses.
    const records = new RecordJson();
    const data: Record<string, unknown> = { '1_1': { text: 'hi' } };
    await records.serialize(data);
    await records.serialize(data);
    const id = undefined as unknown as string;
    data[id] = { text: 'lost' };
    records.mark(id);
    await expect(records.serialize(data)).rejects.toThrow(/record key must be a string/);
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
