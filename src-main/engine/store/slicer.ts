import { performance } from 'node:perf_hooks';

/**
 * A pause point for long work: `await turn()` gives the event loop back (setImmediate, after
 * pending I/O) once `sliceMs` have passed since the last time, and costs nothing otherwise. The
 * app's HTTP server, live updates and `/healthz` share one loop with the work: a step that holds
 * it for half a second makes every one of them wait that long.
 */
export function slicer(sliceMs = 2): () => Promise<void> {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    since = performance.now();
  };
}
