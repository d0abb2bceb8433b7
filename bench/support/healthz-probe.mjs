// /healthz prober for the roster-import benchmark, run in a worker thread so that probing and
// uploading the file do not share the engine's event loop (in real use the window, and whatever
// watches /healthz, are other processes). Plain JavaScript: a worker thread is not passed
// through the test runner's TypeScript transform.
//
// workerData: { url, token, idleMs, bodies (sent one after another: bytes of a
// volunteers.importCsv request, or { path, headers, body } for any other POST) }
// Posts back once: { idle: number[], during: number[], importMs, statuses: number[] }, latencies in ms, each
// timed from when the probe was due (a block between two probes delays the next one, and a
// request arriving then would have waited as long).
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, token, idleMs, bodies } = workerData;
const base = new URL(url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function request(method, path, payload, extraHeaders = null) {
  return new Promise((resolve, reject) => {
    const headers = payload ? { ...(extraHeaders ?? { authorization: `Bearer ${token}`, 'content-type': 'application/json' }), 'content-length': payload.length } : {};
    const req = http.request({ hostname: base.hostname, port: base.port, method, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Probes every 10 ms until `stop()` says so; returns each probe's latency. */
async function probeWhile(stop) {
  const out = [];
  let due = performance.now();
  while (!stop()) {
    await request('GET', '/healthz');
    const answered = performance.now();
    out.push(answered - due);
    due = answered + 10;
    await sleep(10);
  }
  return out;
}

const idleUntil = performance.now() + idleMs;
const idle = await probeWhile(() => performance.now() >= idleUntil);
let done = false;
const t0 = performance.now();
const upload = (async () => {
  const statuses = [];
  for (const b of bodies) {
    if (b instanceof Uint8Array) statuses.push(await request('POST', '/api/rpc/volunteers.importCsv', Buffer.from(b)));
    else statuses.push(await request('POST', b.path, Buffer.from(b.body), b.headers));
  }
  return statuses;
})().finally(() => {
  done = true;
});
const during = await probeWhile(() => done);
const statuses = await upload;
parentPort.postMessage({ idle, during, importMs: performance.now() - t0, statuses });
