import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { DEFAULT_WEBHOOK_BODY_LIMIT } from '../../src-main/engine/facebook/webhook-routes';
import type { WebhookModule } from '../../src-main/engine/facebook/webhook-module';
import { memoryLogger } from '../../src-main/engine/log';
import { METRIC_INPUT_MAX_BODY_BYTES } from '../../src-main/engine/metrics/input-route';
import { commentChange, feedEntry, messageEvent, messagingEntry, signBody, webhookPayload } from '../../src-main/simulator/webhook-payloads';
import { prng, randomValue } from '../support/prng';
import { testRedis, type TestRedis } from '../support/redis';
import { createDemoModule } from '../../src-main/simulator/demo';

const TOKEN = 'fuzz-token-abcdef0123456789';
const SEED = 20261201;

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);

function randomBytes(rand: Rand, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i += 1) b[i] = int(rand, 256);
  return b;
}

function deeplyNested(levels: number, open = '[', close = ']'): string {
  return `${open.repeat(levels)}${close.repeat(levels)}`;
}

/** What a fuzz case is, and what the route must do with it. */
interface WebhookCase {
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
  /** Refused before the body is read as JSON: 401/403 (or 413 when too large), nothing enqueued. */
  mustRefuse: boolean;
}

/**
 * The real webhook route in the real engine (demo mode, so the app secret is the simulator's),
 * and the real metric input route, fed thousands of hostile inputs from a seeded generator.
 * Nothing may answer 5xx or crash; nothing unsigned or wrongly signed may enter the ingest
 * stream (counted with XINFO's entries-added, which consumers cannot lower).
 */
describe('webhook and metric input fuzz', () => {
  let t: TestRedis;
  let engine: Engine;
  let dataDir: string;
  let secret: string;
  let targets: string[];
  const log = memoryLogger();

  beforeAll(async () => {
    t = await testRedis();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-webhook-fuzz-'));
    const config = configFromEnv({
      VOLUNTREE_DATA_DIR: dataDir,
      VOLUNTREE_PORT: '0',
      VOLUNTREE_TOKEN: TOKEN,
      VOLUNTREE_TUNNEL: 'off',
      REDIS_URL: t.url,
      FB_GRAPH_URL: 'http://127.0.0.1:9',
    });
    engine = createEngine({ demo: createDemoModule, config, log, prefix: t.prefix });
    await engine.start();
    secret = engine.services!.demo!.credentials.appSecret;
    const webhook = engine.services!.webhook as WebhookModule;
    // Both servers that carry the route: the local one and the tunnel's webhook-only one.
    targets = [`${engine.httpUrl}/webhooks/facebook`, `http://127.0.0.1:${webhook.tunnelPort()}/webhooks/facebook`];
  });
  afterAll(async () => {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await t?.cleanup();
  });

  const entriesAdded = async (): Promise<number> => {
    try {
      const info = (await t.redis.xinfo('STREAM', t.keys.streamIngest)) as unknown[];
      const i = info.indexOf('entries-added');
      return Number(info[i + 1]);
    } catch {
      return 0; // no stream yet: nothing was ever added
    }
  };

  /** A valid delivery, different each time, as Meta would send it. */
  function validPayload(rand: Rand, n: number): Record<string, unknown> {
    const page = engine.services!.demo!.credentials.pageId;
    const changes = Array.from({ length: 1 + int(rand, 3) }, (_, i) =>
      commentChange({ pageId: page, postId: `${page}_7`, commentId: `7_${n}_${i}`, from: { id: String(1000 + int(rand, 50)), name: 'Sam' }, message: pick(rand, ['I can help', 'count me in', 'no thanks', '🙂 yes']) }),
    );
    const entries = [feedEntry(page, changes)];
    if (rand() < 0.3) entries.push(messagingEntry(page, messageEvent(page, String(2000 + int(rand, 50)), `m_${n}`, 'yes please')));
    return webhookPayload(entries) as unknown as Record<string, unknown>;
  }

  /** One random structural change to a JSON value: deletions, type swaps, huge strings, long arrays. */
  function mutate(rand: Rand, value: unknown, depth = 0): unknown {
    if (value === null || typeof value !== 'object' || depth > 6 || rand() < 0.15) {
      return pick(rand, [
        () => undefined,
        () => randomValue(rand),
        () => 'x'.repeat(50_000 + int(rand, 200_000)),
        () => 12345,
        () => -1e308,
        () => Array.from({ length: 1000 }, () => randomValue(rand)),
        () => Array.from({ length: 1000 }, (_, i) => ({ id: String(i), field: 'feed', value: { item: 'comment' } })),
        () => ({}),
        () => [],
        () => true,
        () => '\u0000\ud800',
      ])();
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return [randomValue(rand)];
      const copy = [...value];
      const i = int(rand, copy.length);
      copy[i] = mutate(rand, copy[i], depth + 1);
      return copy;
    }
    const obj = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(obj);
    const key = pick(rand, keys);
    const r = rand();
    if (r < 0.25) delete obj[key];
    else if (r < 0.35) obj[pick(rand, ['__proto__', 'constructor', 'extra', ''])] = randomValue(rand);
    else obj[key] = mutate(rand, obj[key], depth + 1);
    return obj;
  }

  function badSignature(rand: Rand, body: Buffer): Record<string, string> {
    const right = signBody(body, secret);
    const hex = right.slice('sha256='.length);
    const other = Buffer.concat([body, Buffer.from(' ')]);
    const header = pick(rand, [
      () => null,
      () => '',
      () => 'sha256=',
      () => signBody(other, secret),
      () => signBody(body.subarray(0, Math.max(0, body.length - 1)), secret),
      () => signBody(body, `${secret}x`),
      () => signBody(body, ''),
      () => `sha256=${hex.toUpperCase()}`,
      () => `SHA256=${hex}`,
      () => `sha1=${hex}`,
      () => hex,
      () => right.slice(0, 7 + int(rand, 64)),
      () => `${right}00`,
      () => `${right}z`,
      () => `${right}0`,
      () => `sha256=${'0'.repeat(64)}`,
      () => `sha256=${randomBytes(rand, 32).toString('hex')}`,
      () => `sha256=${Buffer.from(hex, 'hex').toString('base64')}`,
      () => `sha256=${hex.slice(1)}${hex[0]}`,
    ])();
    const headers: Record<string, string> = { 'content-type': pick(rand, ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) };
    if (header !== null) headers['x-hub-signature-256'] = header;
    // The SHA-1 header Meta also sends is not enough on its own.
    if (rand() < 0.2) headers['x-hub-signature'] = `sha1=${hex.slice(0, 40)}`;
    return headers;
  }

  function signedCase(kind: string, body: Buffer): WebhookCase {
    return { kind, body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(body, secret) }, mustRefuse: false };
  }

  function webhookCase(rand: Rand, n: number): WebhookCase {
    const valid = Buffer.from(JSON.stringify(validPayload(rand, n)));
    const mutated = (): Buffer => Buffer.from(JSON.stringify(mutate(rand, validPayload(rand, n))) ?? 'null');
    const r = rand();
    if (r < 0.12) return { kind: 'random bytes, unsigned or badly signed', body: randomBytes(rand, int(rand, 3000)), headers: badSignature(rand, valid), mustRefuse: true };
    if (r < 0.3) {
      const body = rand() < 0.5 ? valid : mutated();
      return { kind: 'Meta payload, wrong or missing signature', body, headers: badSignature(rand, body), mustRefuse: true };
    }
    if (r < 0.4) return signedCase('random bytes, signed', randomBytes(rand, int(rand, 3000)));
    if (r < 0.75) return signedCase('mutated Meta payload, signed', mutated());
    if (r < 0.8) {
      // Bytes that are not UTF-8, inside and outside JSON strings.
      const text = valid.toString('utf8');
      const at = text.indexOf('"message":"') + '"message":"'.length;
      const junk = pick(rand, [Buffer.from([0xff, 0xfe]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0x80])]);
      const inside = rand() < 0.7;
      const cut = inside ? at : int(rand, text.length);
      const body = Buffer.concat([Buffer.from(text.slice(0, cut)), junk, Buffer.from(text.slice(cut))]);
      return signedCase('invalid UTF-8, signed', body);
    }
    if (r < 0.84) {
      const levels = pick(rand, [1000, 10_000, 100_000]);
      const nested = pick(rand, [
        () => deeplyNested(levels),
        () => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`,
        () => `{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":${deeplyNested(levels)}}]}]}`,
        () => `{"object":"page","entry":${deeplyNested(levels)}}`,
      ])();
      return signedCase(`JSON nested ${levels} deep, signed`, Buffer.from(nested));
    }
    if (r < 0.92) return { kind: 'valid payload, signed', body: valid, headers: signedCase('', valid).headers, mustRefuse: false };
    return signedCase('JSON that is not a webhook, signed', Buffer.from(JSON.stringify(randomValue(rand)) ?? 'null'));
  }

  it('answers every webhook input with a 2xx or a clear 4xx, and enqueues nothing that is not signed', async () => {
    const rand = prng(SEED);
    const statuses: Record<string, number> = {};
    const kinds: Record<string, number> = {};
    const started = Date.now();
    const before = await entriesAdded();
    let tried = 0;

    const send = async (c: WebhookCase, target: string): Promise<void> => {
      const addedBefore = c.mustRefuse ? await entriesAdded() : 0;
      const res = await fetch(target, { method: 'POST', headers: c.headers, body: new Uint8Array(c.body) });
      const text = await res.text();
      tried += 1;
      kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const what = `${c.kind} (${c.body.length} bytes, signature ${c.headers['x-hub-signature-256'] ?? 'none'}) → ${res.status} ${text.slice(0, 200)}`;
      expect(res.status, what).toBeLessThan(500);
      if (c.mustRefuse) {
        expect([401, 403, 413], what).toContain(res.status);
        expect(await entriesAdded(), `${what}: enqueued`).toBe(addedBefore);
      } else {
        expect([200, 400, 413], what).toContain(res.status);
      }
    };

    for (let i = 0; i < 3000; i += 1) await send(webhookCase(rand, i), pick(rand, targets));

    // Over the body limit: refused before the signature is read, signed or not.
    const huge = Buffer.alloc(DEFAULT_WEBHOOK_BODY_LIMIT + 1024, 0x20);
    huge.write('{"object":"page","entry":[]}');
    for (const target of targets) {
      for (const headers of [signedCase('', huge).headers, { 'content-type': 'application/json' }]) {
        const addedBefore = await entriesAdded();
        const res = await fetch(target, { method: 'POST', headers, body: huge });
        tried += 1;
        kinds['over the body limit'] = (kinds['over the body limit'] ?? 0) + 1;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status).toBe(413);
        expect(await entriesAdded()).toBe(addedBefore);
      }
    }

    // Still serving: a good delivery after all that goes in.
    const page = engine.services!.demo!.credentials.pageId;
    const good = Buffer.from(JSON.stringify(webhookPayload([feedEntry(page, [commentChange({ pageId: page, postId: `${page}_9`, commentId: `9_after_fuzz`, from: { id: '77', name: 'Lee' }, message: 'I can help' })])])));
    const last = await entriesAdded();
    expect((await fetch(targets[0]!, { method: 'POST', headers: signedCase('', good).headers, body: good })).status).toBe(200);
    expect(await entriesAdded()).toBe(last + 1);
    expect((await engine.health()).redis.up).toBe(true);

    console.log(
      `webhook fuzz: ${tried} inputs (seed ${SEED}) in ${Date.now() - started} ms, ${(await entriesAdded()) - before} stream entries added; kinds ${JSON.stringify(kinds)}; statuses ${JSON.stringify(statuses)}`,
    );
    expect(tried).toBeGreaterThanOrEqual(3000);
  });

  /** A metric input case, and whether the route must accept it (the rules in docs/metrics.md). */
  function metricCase(rand: Rand): { body: string; headers: Record<string, string>; ok: boolean; kind: string } {
    const known = ['C', 'D'];
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };
    let tokenOk = true;
    let typeOk = true;
    if (rand() < 0.05) {
      tokenOk = false;
      if (rand() < 0.5) delete headers.authorization;
      else headers.authorization = pick(rand, [`Bearer ${TOKEN}x`, `bearer ${TOKEN}`, TOKEN, 'Bearer ', `Basic ${TOKEN}`]);
    }
    if (rand() < 0.05) {
      typeOk = false;
      headers['content-type'] = pick(rand, ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/jsonx']);
    }
    const r = rand();
    let body: string;
    let kind: string;
    if (r < 0.3) {
      kind = 'valid-looking values';
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + int(rand, 3); i += 1) {
        o[pick(rand, known)] = pick(rand, [() => int(rand, 100), () => rand() * 1e6, () => -0, () => 1e308, () => -1e308, () => Number.MIN_VALUE, () => Number.MAX_SAFE_INTEGER + 2])();
      }
      body = JSON.stringify(o);
    } else if (r < 0.45) {
      kind = 'random JSON';
      body = JSON.stringify(randomValue(rand)) ?? 'null';
    } else if (r < 0.55) {
      kind = 'not JSON';
      body = pick(rand, ['{"C": NaN}', '{"C": Infinity}', '{"C": -Infinity}', '{"C": 1,}', "{'C': 1}", '{"C": 0x10}', '{"C": 01}', '', 'undefined', '{"C":', randomBytes(rand, 200).toString('latin1')]);
    } else if (r < 0.65) {
      kind = 'NaN-likes and huge numbers as text';
      body = pick(rand, ['{"C": 1e999}', '{"C": -1e999}', '{"C": "NaN"}', '{"C": "Infinity"}', '{"C": "1"}', '{"C": null}', '{"C": [1]}', '{"C": {"valueOf": 1}}', '{"C": {"value": 3}}', '{"C": {"value": "3"}}', '{"C": {"value": 3, "at": "yesterday"}}', '{"C": {"at": "2020-01-01T00:00:00Z"}}', '{"C": {"value": 3, "why": 1}}', '{"C": true}', `{"C": 1${'0'.repeat(400)}}`]);
    } else if (r < 0.75) {
      kind = 'unknown nodes';
      const o: Record<string, number> = { C: 1 };
      o[pick(rand, ['X', '__proto__', 'constructor', 'toString', 'event:{event}:signups', 'c', 'C ', ' C', 'C'.repeat(300), 'event:{x}:signups', '../C', 'C\u0000'])] = 2;
      body = JSON.stringify(o);
    } else if (r < 0.8) {
      kind = 'deep JSON';
      const levels = pick(rand, [100, 10_000]);
      body = pick(rand, [`{"C":${deeplyNested(levels)}}`, deeplyNested(levels), `${'{"C":'.repeat(levels)}1${'}'.repeat(levels)}`]);
    } else if (r < 0.85) {
      kind = 'too many or too large';
      body = pick(rand, [
        () => JSON.stringify(Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`n${i}`, i]))),
        () => JSON.stringify({ C: 1, pad: 'x'.repeat(METRIC_INPUT_MAX_BODY_BYTES) }),
        () => `{"C": 1${' '.repeat(METRIC_INPUT_MAX_BODY_BYTES)}}`,
        () => '{}',
        () => '[]',
      ])();
    } else {
      kind = 'duplicate keys and mixed';
      body = pick(rand, ['{"C": 1, "C": 2}', '{"C": 1, "D": "x"}', '{"C": 1, "D": 2}', '{"D": 5, "C": -3.5}', '{"C": "2", "C": 2}']);
    }
    let ok = tokenOk && typeOk && Buffer.byteLength(body) <= METRIC_INPUT_MAX_BODY_BYTES;
    if (ok) {
      try {
        const parsed: unknown = JSON.parse(body);
        const entries = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.entries(parsed) : null;
        // A value is a finite number or a reading { value } (readings with "at" depend on the
        // clock and are covered in metrics/engine.test.ts).
        const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
        const reading = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => k === 'value') && finite((v as { value?: unknown }).value);
        ok = entries !== null && entries.length > 0 && entries.length <= 500 && entries.every(([k, v]) => known.includes(k) && (finite(v) || reading(v)));
      } catch {
        ok = false;
      }
    }
    return { body, headers, ok, kind };
  }

  it('answers every metric input as the rules say: 200 exactly for valid batches, a clear 4xx otherwise', async () => {
    const rpc = (method: string, args: unknown) =>
      fetch(`${engine.httpUrl}/api/rpc/${method}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(args) });
    for (const id of ['C', 'D']) expect((await rpc('metrics.define', { node: { id, kind: 'input', validitySeconds: 60 } })).status).toBe(200);
    expect((await rpc('metrics.define', { node: { id: 'S', kind: 'derived', fn: 'add', args: ['C', 'D'], validitySeconds: 60 } })).status).toBe(200);

    const rand = prng(SEED + 1);
    const statuses: Record<string, number> = {};
    const started = Date.now();
    let tried = 0;
    let accepted = 0;
    for (let i = 0; i < 1500; i += 1) {
      const c = metricCase(rand);
      const res = await fetch(`${engine.httpUrl}/api/metrics/input`, { method: 'POST', headers: c.headers, body: c.body });
      const text = await res.text();
      tried += 1;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const what = `${c.kind}: ${c.body.slice(0, 120)} (${JSON.stringify(c.headers['content-type'])}) → ${res.status} ${text.slice(0, 200)}`;
      expect(res.status, what).toBeLessThan(500);
      expect(() => JSON.parse(text), what).not.toThrow();
      if (c.ok) {
        expect(res.status, what).toBe(200);
        accepted += 1;
      } else {
        expect([400, 401, 415], what).toContain(res.status);
        expect((JSON.parse(text) as { error?: { message?: unknown } }).error?.message, what).toEqual(expect.any(String));
      }
    }
    const metrics = engine.services!.metrics!;
    await metrics.service!.settled();
    const res = await rpc('metrics.values', { nodes: ['C', 'D', 'S'] });
    expect(res.status).toBe(200);
    const values = ((await res.json()) as { values: { node: string; value: number | null }[] }).values;
    for (const v of values) expect(v.value === null || Number.isFinite(v.value), `${v.node} = ${v.value}`).toBe(true);
    expect((await engine.health()).redis.up).toBe(true);
    console.log(`metric input fuzz: ${tried} inputs (seed ${SEED + 1}) in ${Date.now() - started} ms, ${accepted} accepted; statuses ${JSON.stringify(statuses)}`);
    expect(accepted).toBeGreaterThan(0);
  });
});
