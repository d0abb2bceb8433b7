import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface LoopDelay {
  /** 99th percentile of how late the event loop came round, in ms (wall clock). */
  p99Ms: number;
  /** The latest it came round, in ms (wall clock). */
  maxMs: number;
  /**
   * The longest single turn measured in CPU time spent while the loop was held, in ms: the
   * part of a late turn that was work, not the machine's other processes taking the core.
   */
  heldMs: number;
  /** In words, for a test's log line. */
  text: string;
}

/**
 * Watches the event loop until `stop()`. Wall-clock delay is what a request feels, but on a
 * shared 2-core machine it also counts the time the OS gave the core to someone else; the CPU
 * time this process used during each late turn is what the app's own code held the loop for, so
 * that is what tests can bound tightly without flaking. The whole process is measured (a test
 * that shares the loop with the app counts its own work too), and process CPU includes other
 * threads', so `heldMs` is capped by the turn's wall time.
 */
export function watchLoopDelay(): { stop(): LoopDelay } {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  let heldMs = 0;
  let lastWall = performance.now();
  let lastCpu = process.cpuUsage();
  const timer = setInterval(() => {
    const wall = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    heldMs = Math.max(heldMs, Math.min(wall - lastWall, (cpu.user + cpu.system) / 1000));
    lastWall = wall;
    lastCpu = process.cpuUsage();
  }, 5);
  return {
    stop() {
      clearInterval(timer);
      h.disable();
      const p99Ms = h.percentile(99) / 1e6;
      const maxMs = h.max / 1e6;
      return { p99Ms, maxMs, heldMs, text: `event loop delay p99 ${p99Ms.toFixed(0)} ms, max ${maxMs.toFixed(0)} ms, longest turn ${heldMs.toFixed(0)} ms of CPU` };
    },
  };
}
