import { Worker } from 'node:worker_threads';

/**
 * The writer thread's code (plain CommonJS, evaluated: it must work unbundled in tests and
 * inside the bundled app alike). Each request is one file replaced atomically: written to
 * `<file>.tmp`, fsynced, renamed over the file.
 */
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { mkdir, open, rename } = require('node:fs/promises');
const path = require('node:path');
const made = new Set();
parentPort.on('message', async ({ id, file, content }) => {
  try {
    const dir = path.dirname(file);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
    }
    const tmp = file + '.tmp';
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    parentPort.postMessage({ id, ok: true });
  } catch (err) {
    made.clear();
    parentPort.postMessage({ id, ok: false, message: err && err.message ? err.message : String(err), code: err && err.code });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  message?: string;
  code?: string;
}

/**
 * Replaces files atomically on a thread of its own. On the main thread each step of a write
 * (open, write, fsync, close, rename) waits for the event loop to come round, and when the app
 * is busy (a burst of comments) every turn is long, so a write that takes a few milliseconds of
 * disk time took a hundred and more. The writer thread's loop is idle: the steps follow each
 * other at once and the main thread hears back once. The thread starts on the first write and
 * ends after a quiet spell, so an idle app keeps no extra thread.
 */
export class FileWriter {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly idleMs = 10_000) {}

  /**
   * Resolves once `content` is the file's content on disk (fsynced), or rejects with the error.
   * Bytes must be a Uint8Array over a buffer of its own: it is moved to the thread, not copied
   * (and is unusable here afterwards). Text is copied over and encoded on the thread.
   */
  write(file: string, content: string | Uint8Array): Promise<void> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (typeof content === 'string') worker.postMessage({ id, file, content });
      else worker.postMessage({ id, file, content }, [content.buffer as ArrayBuffer]);
    });
  }

  /** Ends the thread (waiting writes fail); the next write starts a new one. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (w) await w.terminate();
    this.failAll(new Error('the file writer was closed'));
  }

  private thread(): Worker {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.worker) return this.worker;
    const w = new Worker(WRITER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (r: Reply) => {
      const p = this.waiting.get(r.id);
      if (!p) return;
      this.waiting.delete(r.id);
      if (r.ok) p.resolve();
      else p.reject(Object.assign(new Error(r.message ?? 'file write failed'), r.code ? { code: r.code } : {}));
      if (this.waiting.size === 0) this.scheduleIdleEnd(w);
    });
    // Only the current thread's death fails the waiting writes: a thread ended for being idle
    // (or by close) had none left.
    w.on('error', (err) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failAll(err);
    });
    w.on('exit', () => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failAll(new Error('the file writer thread stopped'));
    });
    this.worker = w;
    return w;
  }

  private scheduleIdleEnd(w: Worker): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.worker === w && this.waiting.size === 0) {
        this.worker = null;
        void w.terminate();
      }
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private failAll(err: Error): void {
    const all = [...this.waiting.values()];
    this.waiting.clear();
    for (const p of all) p.reject(err);
  }
}
