import { Worker } from 'node:worker_threads';

/**
 * The checking thread's code (plain CommonJS, evaluated: it must work unbundled in tests and
 * inside the bundled app alike): reads each file and parses it, answering its size in bytes or
 * why it does not parse.
 */
const CHECK_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFile } = require('node:fs/promises');
(async () => {
  const out = [];
  for (const file of workerData.files) {
    try {
      const bytes = await readFile(file);
      JSON.parse(bytes.toString('utf8'));
      out.push({ ok: true, bytes: bytes.length });
    } catch (err) {
      out.push({ ok: false, message: err && err.message ? err.message : String(err) });
    }
  }
  parentPort.postMessage(out);
})();
`;

type Checked = { ok: true; bytes: number } | { ok: false; message: string };

/**
 * Reads back and parses JSON files on a thread of its own, resolving with each one's size, or
 * rejecting with the first one's reason that does not parse. Parsing a backup copy of a 10 MB
 * roster (a 15 MB file) on the main thread held the event loop ~100 ms, and the backup that
 * follows a large import is exactly when such a file is checked.
 */
export async function checkedJsonSizes(files: string[]): Promise<number[]> {
  if (files.length === 0) return [];
  const worker = new Worker(CHECK_SOURCE, { eval: true, workerData: { files } });
  try {
    const results = await new Promise<Checked[]>((resolve, reject) => {
      worker.once('message', resolve).once('error', reject).once('exit', (code) => reject(new Error(`the check thread stopped (${code})`)));
    });
    return results.map((r, i) => {
      if (!r.ok) throw new Error(`${files[i]}: ${r.message}`);
      return r.bytes;
    });
  } finally {
    await worker.terminate();
  }
}
