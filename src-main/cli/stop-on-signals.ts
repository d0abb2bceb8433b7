/** The parts of `process` the signal handling uses (a stand-in in tests). */
export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
}

export interface StopOnSignalsOptions {
  /** Stops the engine in order; resolves when everything is down. */
  stop: () => Promise<void>;
  write: (text: string) => void;
  exit: (code: number) => void;
  target?: SignalTarget;
  /** After this long the process exits even though the stop has not finished. */
  graceMs?: number;
  /**
   * Signals this close to the previous one count as the same request: one Ctrl-C under
   * `npm run serve` arrives twice (the terminal signals the whole foreground process group,
   * and npm forwards what it receives to its child).
   */
  echoMs?: number;
  now?: () => number;
}

/** SIGHUP too: closing the terminal must stop Redis as well (it runs in its own process group). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The first SIGINT / SIGTERM / SIGHUP starts an orderly stop and exits 0 once it is done.
 * Repeats while it runs do not cut it short: echoes of the same Ctrl-C are ignored, a second
 * request only says what is happening, and a third (or `graceMs` passing) exits at once with 1.
 */
export function stopOnSignals(opts: StopOnSignalsOptions): void {
  const target = opts.target ?? process;
  const now = opts.now ?? Date.now;
  const echoMs = opts.echoMs ?? 1000;
  const graceMs = opts.graceMs ?? 60_000;
  let requests = 0;
  let lastAt = 0;

  const begin = (signal: NodeJS.Signals): void => {
    opts.write(`\nStopping Voluntree (${signal})…\n`);
    const force = setTimeout(() => {
      opts.write(`Voluntree did not stop within ${Math.round(graceMs / 1000)} s; exiting anyway.\n`);
      opts.exit(1);
    }, graceMs);
    force.unref();
    opts.stop().then(
      () => {
        clearTimeout(force);
        opts.write('Stopped.\n');
        opts.exit(0);
      },
      (err: unknown) => {
        clearTimeout(force);
        opts.write(`Voluntree did not stop cleanly: ${err instanceof Error ? err.message : String(err)}\n`);
        opts.exit(1);
      },
    );
  };

  for (const signal of STOP_SIGNALS) {
    target.on(signal, () => {
      const at = now();
      if (requests > 0 && at - lastAt < echoMs) return;
      lastAt = at;
      requests += 1;
      if (requests === 1) begin(signal);
      else if (requests === 2) opts.write('Still stopping: finishing work in progress and stopping Redis. Press Ctrl-C again to exit at once.\n');
      else {
        opts.write('Exiting without finishing the stop (queued work stays in Redis for the next start).\n');
        opts.exit(1);
      }
    });
  }
}
