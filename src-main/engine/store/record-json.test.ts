import { describe, expect, it } from 'vitest';
import { RecordJson } from './record-json';

const text = (content: string | Uint8Array): string => (typeof content === 'string' ? content : Buffer.from(content).toString('utf8'));

describe('RecordJson', () => {
  it('writes what a full serialisation writes, re-serialising only marked records', () => {
    const data: Record<string, { name: string; n: number }> = { fb_1: { name: 'María ❤️', n: 1 }, fb_2: { name: 'Ade', n: 2 } };
    const json = new RecordJson();
    expect(text(json.serialize(data))).toBe(JSON.stringify(data));
    data.fb_2!.n = 3;
    data.fb_3 = { name: 'Kim "K"', n: 4 };
    delete data.fb_1;
    json.mark('fb_2');
    json.mark('fb_3');
    json.mark('fb_1');
    expect(text(json.serialize(data))).toBe(JSON.stringify(data));
    json.markAll();
    data.fb_3.n = 5;
    expect(text(json.serialize(data))).toBe(JSON.stringify(data));
    for (const id of Object.keys(data)) {
      delete data[id];
      json.mark(id);
    }
    expect(text(json.serialize(data))).toBe('{}');
  });

  it('is checked in the test runs: a change that was not marked fails the write', () => {
    expect(process.env.VOLUNTREE_STORE_CHECK).toBe('1');
    const data: Record<string, { n: number }> = { a: { n: 1 }, b: { n: 2 } };
    const json = new RecordJson();
    json.serialize(data);
    json.serialize(data);
    data.a!.n = 10;
    json.mark('b');
    expect(() => json.serialize(data)).toThrow(/without being marked/);
    // After a failed check everything is written again in full.
    expect(text(json.serialize(data))).toBe(JSON.stringify(data));
  });
});
