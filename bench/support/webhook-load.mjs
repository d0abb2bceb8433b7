// Load generator for the latency benchmark, run in a worker thread so that signing and sending
// webhooks, and reading the live WebSocket, do not share the engine's event loop (in real use
// Meta and the coordinator's window are other processes). Plain JavaScript: a worker thread
// is not passed through the test runner's TypeScript transform.
//
// workerData: { url, wsUrl, appSecret, rate, settleMs, deliveries: [{ commentId, volunteerId, body }] }
// Posts back once: { comment: number[], signup: number[], baseline: number[], statuses: {code: count} }
// with latencies in milliseconds, measured on the process-wide clock (timeOrigin + now).
import { createHmac } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

const { url, wsUrl, appSecret, rate, settleMs, deliveries } = workerData;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sentByComment = new Map();
const sentByVolunteer = new Map();
const comment = [];
const signup = [];
const baseline = [];
const statuses = {};

const ws = new WebSocket(wsUrl);
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
ws.on('message', (data) => {
  const at = now();
  const msg = JSON.parse(data.toString());
  if (msg.event === 'comment.received') {
    const t = sentByComment.get(msg.payload.comment?.id);
    if (t !== undefined) {
      comment.push(at - t);
      sentByComment.delete(msg.payload.comment.id);
    }
  } else if (msg.event === 'signup.created') {
    const t = sentByVolunteer.get(msg.payload.volunteerId);
    if (t !== undefined) {
      signup.push(at - t);
      sentByVolunteer.delete(msg.payload.volunteerId);
    }
  } else if (msg.event === 'system.notice' && typeof msg.payload.message === 'string' && msg.payload.message.startsWith('bench-baseline:')) {
    baseline.push(at - Number(msg.payload.message.slice('bench-baseline:'.length)));
  }
});

parentPort.on('message', async (m) => {
  if (m !== 'go') return;
  const t0 = now();
  const inflight = [];
  for (let i = 0; i < deliveries.length; i += 1) {
    const wait = t0 + (i * 1000) / rate - now();
    if (wait > 0) await sleep(wait);
    const d = deliveries[i];
    const signature = `sha256=${createHmac('sha256', appSecret).update(d.body).digest('hex')}`;
    const sentAt = now();
    sentByComment.set(d.commentId, sentAt);
    if (d.volunteerId) sentByVolunteer.set(d.volunteerId, sentAt);
    inflight.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body: d.body })
        .then(async (res) => {
          await res.arrayBuffer();
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        })
        .catch(() => {
          statuses.error = (statuses.error ?? 0) + 1;
        }),
    );
  }
  await Promise.all(inflight);
  const deadline = now() + settleMs;
  while (sentByComment.size > 0 && now() < deadline) await sleep(50);
  ws.close();
  parentPort.postMessage({ comment, signup, baseline, statuses });
});
parentPort.postMessage('ready');
