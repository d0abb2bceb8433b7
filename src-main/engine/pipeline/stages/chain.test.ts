import { describe, expect, it } from 'vitest';
import { GEAR_LIBRARY } from '../../gears/functions';
import { createKeys } from '../../keys';
import { PIPELINE_CHAIN } from './chain';

describe('the pipeline chain (stages/chain.ts)', () => {
  const keys = createKeys('vt-chain-test');

  it('is ingest, preprocess, classify, record', () => {
    expect(PIPELINE_CHAIN.map((s) => s.name)).toEqual(['ingest', 'preprocess', 'classify', 'record']);
  });

  it('has each stage read a stream the stage before it writes, and the last write none', () => {
    expect(PIPELINE_CHAIN[0]!.input).toBeNull();
    for (let i = 1; i < PIPELINE_CHAIN.length; i += 1) {
      const before = PIPELINE_CHAIN[i - 1]!.output(keys);
      expect(before, PIPELINE_CHAIN[i]!.name).toContain(PIPELINE_CHAIN[i]!.input!(keys));
    }
    expect(PIPELINE_CHAIN.at(-1)!.output(keys)).toEqual([]);
    // The items that need no model skip the classifier: preprocess writes the recorder's stream too.
    expect(PIPELINE_CHAIN[1]!.output(keys)).toContain(PIPELINE_CHAIN[3]!.input!(keys));
  });

  it('gives every reading stage its own consumer group and a schema, and commits through a known Function', () => {
    const reading = PIPELINE_CHAIN.filter((s) => s.input);
    expect(new Set(reading.map((s) => s.group)).size).toBe(reading.length);
    for (const s of reading) expect(s.schema, s.name).not.toBeNull();
    for (const s of PIPELINE_CHAIN) if (s.commit !== 'ack-and-delete') expect(Object.keys(GEAR_LIBRARY), s.name).toContain(s.commit);
  });
});
