import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('reconnect backoff', () => {
  it('doubles from the first delay and stops at the ceiling', () => {
    const none = () => 0;
    expect([0, 1, 2, 3, 10, 100].map((a) => backoffDelay(a, 500, 10_000, none))).toEqual([500, 1000, 2000, 4000, 10_000, 10_000]);
  });

  it('jitters down by at most a quarter', () => {
    expect(backoffDelay(2, 500, 10_000, () => 1)).toBe(1500);
  });
});
