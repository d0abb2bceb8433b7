import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stopOnSignals } from './stop-on-signals';

function setup(opts: { graceMs?: number } = {}) {
  const target = new EventEmitter();
  const written: string[] = [];
  const exits: number[] = [];
  let finish: (err?: Error) => void = () => undefined;
  let t = 0;
  const stop = vi.fn(() => new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve()))));
  stopOnSignals({ stop, target, write: (s) => written.push(s), exit: (c) => exits.push(c), now: () => t, ...opts });
  return {
    signal: (name: NodeJS.Signals, at: number) => {
      t = at;
      target.emit(name);
    },
    finish: (err?: Error) => finish(err),
    stop,
    written,
    exits,
  };
}

const settle = () => new Promise((r) => setImmediate(r));

afterEach(() => vi.useRealTimers());

describe('stopOnSignals', () => {
  it('stops once and exits 0 however many echoes of one Ctrl-C arrive', async () => {
    const s = setup();
    s.signal('SIGINT', 0);
    s.signal('SIGINT', 5); // npm forwarding the same Ctrl-C
    s.signal('SIGTERM', 900);
    expect(s.stop).toHaveBeenCalledTimes(1);
    expect(s.written).toEqual(['\nStopping Voluntree (SIGINT)…\n']);
    s.finish();
    await settle();
    expect(s.written.at(-1)).toBe('Stopped.\n');
    expect(s.exits).toEqual([0]);
  });

  it('answers a second request with what it is doing, and exits at once on a third', async () => {
    const s = setup();
    s.signal('SIGINT', 0);
    s.signal('SIGINT', 2000);
    expect(s.written.at(-1)).toMatch(/^Still stopping.*Press Ctrl-C again to exit at once/);
    expect(s.exits).toEqual([]);
    s.signal('SIGINT', 2100); // an echo of the second
    expect(s.exits).toEqual([]);
    s.signal('SIGINT', 4000);
    expect(s.exits).toEqual([1]);
    expect(s.stop).toHaveBeenCalledTimes(1);
  });

  it('stops on SIGHUP too (the terminal closed)', () => {
    const s = setup();
    s.signal('SIGHUP', 0);
    expect(s.stop).toHaveBeenCalledTimes(1);
    expect(s.written).toEqual(['\nStopping Voluntree (SIGHUP)…\n']);
  });

  it('exits 1 when the stop fails or outlasts the grace period', async () => {
    const failing = setup();
    failing.signal('SIGTERM', 0);
    failing.finish(new Error('queue would not close'));
    await settle();
    expect(failing.written.at(-1)).toBe('Voluntree did not stop cleanly: queue would not close\n');
    expect(failing.exits).toEqual([1]);

    vi.useFakeTimers();
    const slow = setup({ graceMs: 30_000 });
    slow.signal('SIGINT', 0);
    vi.advanceTimersByTime(29_999);
    expect(slow.exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(slow.written.at(-1)).toBe('Voluntree did not stop within 30 s; exiting anyway.\n');
    expect(slow.exits).toEqual([1]);
  });
});
