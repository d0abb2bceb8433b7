#!/usr/bin/env node
// The live-metrics scenario of docs/metrics.md run against a running Voluntree (`npm run serve`
// or the desktop app), through its HTTP surface only: A = C + D + E, B = A × F, 60 s validity,
// several values per input call. Each run defines its own nodes (prefix `scenario<stamp>-<run>:`)
// so runs cannot see each other's arguments, sends
//   {C:4, D:5}, {E:6}            → A = 15
//   {C:1, D:1, E:1, F:3}         → A = 3, then B = 9 (never 45, the stale A × 3)
//   {A:4, F:5}                   → B = 20
// and reads back the computed history of A and B. Prints one line per wrong run and a summary;
// exits 1 unless every run is right.
//
//   node scripts/metrics-scenario.mjs --url http://127.0.0.1:4477/#token=abc [--runs 50]
//   VOLUNTREE_URL=http://127.0.0.1:4477 VOLUNTREE_TOKEN=abc node scripts/metrics-scenario.mjs
//
// The address may be the one printed at start (with `#token=`); then no token is needed.

function option(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const rawUrl = option('url') ?? process.env.VOLUNTREE_URL;
if (!rawUrl) {
  console.error('Give the address Voluntree printed at start: --url http://127.0.0.1:<port>/#token=<token> (or VOLUNTREE_URL).');
  process.exit(2);
}
const parsed = new URL(rawUrl);
const token = option('token') ?? process.env.VOLUNTREE_TOKEN ?? new URLSearchParams(parsed.hash.slice(1)).get('token');
if (!token) {
  console.error('No token: pass --token, set VOLUNTREE_TOKEN, or give the address with its #token= part.');
  process.exit(2);
}
const base = parsed.origin;
const runs = Number(option('runs') ?? 50);
// How long one step may take to show its computed values before the run counts as wrong.
const stepTimeoutMs = Number(option('timeout-ms') ?? 5000);
const stamp = Date.now().toString(36);

async function post(route, body) {
  const res = await fetch(`${base}${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${route}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const rpc = (method, args) => post(`/api/rpc/${method}`, args);

/** The computed values of `nodes` so far, as "A=15 A=3 B=9" in time order (node order within a time). */
async function computed(nodes) {
  const { values } = await rpc('metrics.values', { nodes, historyLimit: 100 });
  return values
    .flatMap((v) => v.history.filter((p) => p.source === 'computed').map((p) => ({ node: v.node, at: p.at, value: p.value })))
    .sort((a, b) => a.at - b.at || nodes.indexOf(a.node) - nodes.indexOf(b.node));
}

/** Waits until `count` computed values are there (or the step times out), then a little longer for any extra. */
async function waitFor(nodes, count) {
  const until = Date.now() + stepTimeoutMs;
  let got = await computed(nodes);
  while (got.length < count && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 10));
    got = await computed(nodes);
  }
  // A wrong extra value (B from the stale A) would come right behind the right one.
  await new Promise((r) => setTimeout(r, 30));
  return computed(nodes);
}

async function run(i) {
  const n = (id) => `scenario${stamp}-${i}:${id}`;
  for (const id of ['C', 'D', 'E', 'F']) await rpc('metrics.define', { node: { id: n(id), kind: 'input', validitySeconds: 60 } });
  await rpc('metrics.define', { node: { id: n('A'), kind: 'derived', fn: 'add', args: [n('C'), n('D'), n('E')], validitySeconds: 60 } });
  await rpc('metrics.define', { node: { id: n('B'), kind: 'derived', fn: 'multiply', args: [n('A'), n('F')], validitySeconds: 60 } });
  const nodes = [n('A'), n('B')];
  const send = (values) => post('/api/metrics/input', Object.fromEntries(Object.entries(values).map(([k, v]) => [n(k), v])));
  await send({ C: 4, D: 5 });
  await send({ E: 6 });
  await waitFor(nodes, 1);
  await send({ C: 1, D: 1, E: 1, F: 3 });
  await waitFor(nodes, 3);
  await send({ A: 4, F: 5 });
  const got = (await waitFor(nodes, 4)).map((p) => `${p.node.slice(p.node.lastIndexOf(':') + 1)}=${p.value}`).join(' ');
  // Leave the Metrics screen as it was: the run's nodes go again (users before what they use).
  for (const id of ['B', 'A', 'C', 'D', 'E', 'F']) await rpc('metrics.remove', { id: n(id) });
  return got;
}

const expected = 'A=15 A=3 B=9 B=20';
const wrong = [];
const started = Date.now();
for (let i = 0; i < runs; i += 1) {
  const got = await run(i);
  if (got !== expected) {
    wrong.push(i);
    console.log(`run ${i + 1}: ${got} (expected ${expected})`);
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`${runs - wrong.length} of ${runs} runs gave ${expected} (${seconds} s, ${base})`);
process.exit(wrong.length === 0 ? 0 : 1);
