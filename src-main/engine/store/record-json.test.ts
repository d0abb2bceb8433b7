import { describe, expect, it } from 'vitest';
import { RecordJson } from './record-json';

const text = (content: string | Uint8Array): string => (typeof content === 'string' ? content : Buffer.from(content).toString('utf8'));

describe('RecordJson', () => {
  it('writes what a full serialisation writes, re-serialising only marked records', async () => {
    const data: Record<string, { name: string; n: number }> = { fb_1: { name: 'María ❤️', n: 1 }, fb_2: { name: 'Ade', n: 2 } };
    const json = new RecordJson();
    expect(text(await json.serialize(data))).toBe(JSON.stringify(data));
    data.fb_2!.n = 3;
    data.fb_3 = { name: 'Kim "K"', n: 4 };
    delete data.fb_1;
    json.mark('fb_2');
    json.mark('fb_3');
    json.mark('fb_1');
    expect(text(await json.serialize(data))).toBe(JSON.stringify(data));
    json.markAll();
    data.fb_3.n = 5;
    expect(text(await json.serialize(data))).toBe(JSON.stringify(data));
    for (const id of Object.keys(data)) {
      delete data[id];
      json.mark(id);
    }
    expect(text(await json.serialize(data))).toBe('{}');
  });

  it('is checked in the test runs: a change that was not marked fails the write', async () => {
    expect(process.env.VOLUNTREE_STORE_CHECK).toBe('1');
    const data: Record<string, { n: number }> = { a: { n: 1 }, b: { n: 2 } };
    const json = new RecordJson();
    await json.serialize(data);
    await json.serialize(data);
    data.a!.n = 10;
    json.mark('b');
    await expect(json.serialize(data)).rejects.toThrow(/without being marked/);
    // After a failed check everything is written again in full.
    expect(text(await json.serialize(data))).toBe(JSON.stringify(data));
    // A record deleted without a mark is caught too, not only one changed in place.
    delete data.b;
    await expect(json.serialize(data)).rejects.toThrow(/without being marked \("b"\)/);
  });

  it('gives the event loop back while it serialises a large roster, and a change made meanwhile reaches the next write', async () => {
    // 50,000 volunteers: a single pass held the loop for hundreds of milliseconds, during
    // which no HTTP request (not even /healthz) could be answered.
    const data: Record<string, { name: string; email: string; tags: string[]; notes: string }> = {};
    for (let i = 0; i < 50_000; i += 1) {
      data[`vol_${i}`] = { name: `Person ${i}`, email: `person${i}@example.test`, tags: ['driver', 'cook'], notes: 'Prefers mornings near the park and can bring a van on weekends' };
    }
    const json = new RecordJson();
    for (const round of ['every record', 'the marked ones']) {
      let turns = 0;
      let ticking = true;
      const tick = (): void => {
        if (!ticking) return;
        turns += 1;
        // Other work running between slices: a record changes (and is marked, as callers do).
        if (turns === 3) {
          data['vol_49999']!.notes = `changed during the write of ${round}`;
          json.mark('vol_49999');
        }
        setImmediate(tick);
      };
      setImmediate(tick);
      if (round === 'the marked ones') {
        data['vol_5']!.name = 'Renamed';
        json.mark('vol_5');
      }
      const out = await json.serialize(data);
      ticking = false;
      expect(turns, round).toBeGreaterThan(10);
      // Whatever the write caught of the change, it is a whole file that parses...
      const written = JSON.parse(text(out)) as typeof data;
      expect(Object.keys(written)).toHaveLength(50_000);
      expect(written['vol_5']!.name).toBe(round === 'the marked ones' ? 'Renamed' : 'Person 5');
    }
    // ...and the next write holds everything as it is now, byte for byte.
    expect(text(await json.serialize(data))).toBe(JSON.stringify(data));
  });
});
