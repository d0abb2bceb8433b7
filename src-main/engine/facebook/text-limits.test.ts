import { describe, expect, it } from 'vitest';
import { ingestItem } from '../streams/entries';
import { cutText, fitForMessenger } from './text-limits';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('cutText', () => {
  it('leaves a text that fits as it is', () => {
    expect(cutText('Maria', 5)).toBe('Maria');
    expect(cutText('', 0)).toBe('');
  });

  it('cuts a longer one to the limit, "…" included', () => {
    expect(cutText('abcdefghij', 5)).toBe('abcd…');
    expect(cutText('x'.repeat(3_000), 2_000)).toHaveLength(2_000);
  });

  it('never splits a surrogate pair, an emoji with its skin tone or a family, or a letter from its accent', () => {
    for (const unit of ['😀', '👍🏽', '👨‍👩‍👧', 'é', '🇵🇹']) {
      for (let max = 2; max < 30; max += 1) {
        const cut = cutText(`a${unit.repeat(20)}`, max);
        expect(cut.length).toBeLessThanOrEqual(max);
        expect(cut).not.toMatch(LONE_SURROGATE);
        expect(cut.slice(0, -1)).toBe(`a${unit.repeat((cut.length - 2) / unit.length)}`);
      }
    }
  });

  it('cuts one character under hundreds of accents between code points', () => {
    const cut = cutText(`😀${'\u0301'.repeat(500)}`, 10);
    expect(cut).toHaveLength(10);
    expect(cut).not.toMatch(LONE_SURROGATE);
  });

  it('does not drop a trailing space into the cut, and handles a 4 MB text quickly', () => {
    expect(cutText('one two three', 5)).toBe('one…');
    const started = performance.now();
    const cut = cutText('word '.repeat(800_000), 8_000);
    expect(cut).toHaveLength(8_000);
    expect(cut.endsWith(' word…')).toBe(true);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('fitForMessenger', () => {
  it('cuts plain text to 2,000 and text above buttons to 640, keeping the rest of the message', () => {
    const choices = [{ title: 'Yes', payload: 'confirm:1' }];
    expect(fitForMessenger({ text: 'y'.repeat(5_000), quickReplies: choices })).toEqual({ text: `${'y'.repeat(1_999)}…`, quickReplies: choices });
    expect(fitForMessenger({ text: 'y'.repeat(5_000), buttons: choices }).text).toHaveLength(640);
    const short = { text: 'Hi' };
    expect(fitForMessenger(short)).toBe(short);
  });
});

describe('stream entries', () => {
  it('cut names and texts when read, whoever wrote the entry', () => {
    const comment = ingestItem.parse({
      kind: 'comment', commentId: '1_1', postId: '1', parentId: '1', verb: 'add', from: { id: '7', name: 'N'.repeat(10_000) }, message: 'm'.repeat(9_000),
      createdTime: 1, receivedAt: 1, pageId: '1',
    });
    expect(comment).toMatchObject({ from: { name: `${'N'.repeat(199)}…` }, message: `${'m'.repeat(7_999)}…` });
    const message = ingestItem.parse({ kind: 'message', messageId: 'm_1', psid: '7', text: 't'.repeat(9_000), quickReply: null, timestamp: 1, receivedAt: 1, pageId: '1' });
    expect(message).toMatchObject({ text: `${'t'.repeat(7_999)}…` });
  });
});
