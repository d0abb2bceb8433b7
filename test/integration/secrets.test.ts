import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { WriteStream } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLogFile } from '../../src-main/electron/log-file';
import { configFromEnv } from '../../src-main/engine/config';
import { createEngine, type Engine } from '../../src-main/engine/engine';
import { createLogger } from '../../src-main/engine/log';
import { createClient } from '../../src-main/engine/redis/endpoint';
import { startSmtp } from '../../src-main/engine/pipeline/testing/smtp';
import { createDemoModule } from '../../src-main/simulator/demo';

const TOKEN = 'secrets-test-token-0123456789';

// Distinctive per run, with characters that URL-encoding and base64 change.
const SECRETS = {
  pageToken: `EAAGpage${randomBytes(16).toString('hex')}`,
  appSecret: `appsecret${randomBytes(16).toString('hex')}`,
  smtpPassword: `smtp+pw/${randomBytes(12).toString('hex')}=&ü`,
  // The operator's key for workers: in the environment of app and workers only.
  workerKey: `wk-${randomBytes(16).toString('base64url')}`,
};

/** Every form a secret could be written in by mistake. */
function forms(secret: string): Record<string, string> {
  const utf8 = Buffer.from(secret, 'utf8');
  return {
    plain: secret,
    'URL-encoded': encodeURIComponent(secret),
    'form-encoded': new URLSearchParams({ x: secret }).toString().slice(2),
    base64: utf8.toString('base64'),
    base64url: utf8.toString('base64url'),
    hex: utf8.toString('hex'),
    'JSON-escaped': JSON.stringify(secret).slice(1, -1).replace(/ü/g, '\\u00fc'),
  };
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * A Graph API that refuses everything and, like a careless proxy, echoes what it was sent
 * (the URL, the Authorization header, the body) in its error message: whatever the engine logs
 * of a failed Graph call must still hold no secret.
 */
async function startEchoingGraph(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      state.requests += 1;
      res.statusCode = 400;
      res.setHeader('content-type', 'application/json');
      const echo = `${req.method} ${req.url} auth=${req.headers.authorization ?? ''} body=${body}`;
      res.end(JSON.stringify({ error: { message: `Invalid OAuth access token: ${echo}`, type: 'OAuthException', code: 190, fbtrace_id: 'x' } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The Page token, App Secret and SMTP password, set through the real engine over RPC, stay in
 * the secrets file and nowhere else: not in lowdb, backups, exports, Redis's AOF/RDB, the log
 * file or the captured log, in plain text or encoded, after traffic that logs (demo publish,
 * signed webhooks, an SMTP login, failing Graph calls whose errors echo the request).
 */
describe('secrets stay in the secrets file', () => {
  let engine: Engine;
  let worker: Engine | null = null;
  let dataDir: string;
  let graph: Awaited<ReturnType<typeof startEchoingGraph>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let logFile: WriteStream;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'vt-secrets-'));
    graph = await startEchoingGraph();
    smtp = await startSmtp({ user: 'coordinator', pass: SECRETS.smtpPassword });
    // A log file written the way the desktop app writes its own (which lives in the OS logs
    // folder); here it is in the data folder so the scan below covers it.
    logFile = openLogFile(path.join(dataDir, 'logs'));
    const log = createLogger({
      level: 'debug',
      write: (line) => {
        lines.push(line);
        logFile.write(`${line}\n`);
      },
    });
    // Supervised Redis: its AOF and RDB live under the data folder and are scanned too.
    const config = configFromEnv({ VOLUNTREE_DATA_DIR: dataDir, VOLUNTREE_PORT: '0', VOLUNTREE_TOKEN: TOKEN, VOLUNTREE_TUNNEL: 'off', FB_GRAPH_URL: graph.url, VOLUNTREE_WORKER_KEY: SECRETS.workerKey });
    engine = createEngine({ demo: createDemoModule, config, log });
    await engine.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await engine?.stop();
    await new Promise<void>((r) => (logFile ? logFile.end(r) : r()));
    await graph?.close();
    await smtp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rpc = async <T = Record<string, unknown>>(method: string, args: unknown = {}): Promise<T> => {
    const res = await fetch(`${engine.httpUrl}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(args),
    });
    const text = await res.text();
    expect(res.status, `${method}: ${text.slice(0, 300)}`).toBe(200);
    for (const secret of Object.values(SECRETS)) expect(text, `${method} answered a secret`).not.toContain(secret);
    return JSON.parse(text) as T;
  };
  const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const slot = { title: 'Packing', start: '2027-01-09T09:00:00Z', end: '2027-01-09T12:00:00Z', capacity: 10 };

  it('takes the secrets over RPC and shows only whether each is set', async () => {
    const view = await rpc<{ secrets: Record<string, boolean>; demoMode: boolean }>('settings.set', {
      appSecret: SECRETS.appSecret,
      smtpPassword: SECRETS.smtpPassword,
      email: { host: '127.0.0.1', port: smtp.port, from: 'team@harbour.test', user: 'coordinator' },
    });
    expect(view.secrets).toEqual({ pageToken: false, appSecret: true, smtpPassword: true });
    expect(view.demoMode).toBe(true);
  });

  it('publishes in demo mode and sends an update by email with the SMTP password', async () => {
    const event = await rpc<{ id: string }>('events.create', { title: 'Food drive', location: 'Town hall', slots: [slot] });
    await rpc('events.publish', { id: event.id });
    await until('the demo post', async () => (await rpc<{ status: string }>('events.get', { id: event.id })).status === 'published');
    const signup = await rpc<{ volunteerId: string }>('signups.add', { eventId: event.id, name: 'Ada Email' });
    await rpc('volunteers.update', { id: signup.volunteerId, email: 'ada@harbour.test' });
    await rpc('broadcasts.send', { eventId: event.id, message: 'Bring a coat.', idempotencyKey: 'secrets-test-0001' });
    await until('the email', () => smtp.mails.length > 0);
    expect(smtp.mails[0]!.to).toEqual(['ada@harbour.test']);
  });

  it('connects a Page whose Graph calls all fail, and logs those failures', async () => {
    const view = await rpc<{ demoMode: boolean }>('settings.set', { pageId: '104857600123456', pageToken: SECRETS.pageToken });
    expect(view.demoMode).toBe(false);
    const connect = await rpc<{ ok: boolean }>('facebook.connect');
    expect(connect.ok).toBe(false);
    const event = await rpc<{ id: string }>('events.create', { title: 'Beach clean', location: 'Pier', slots: [slot] });
    await rpc('events.publish', { id: event.id });
    await until('a Graph failure in the log', () => graph.requests > 1 && lines.some((l) => l.includes('"level":"warn"') || l.includes('"level":"error"')));
    await rpc('data.backupNow');
    await rpc('data.exportAll');
  });

  it('hands the Page connection to a worker sealed, and leaves no secret in any Redis key or value', async () => {
    // A worker with the operator's key, on the app's Redis, its data folder inside the scanned one.
    const ep = engine.redisEndpoint!;
    const workerConfig = configFromEnv({
      VOLUNTREE_DATA_DIR: path.join(dataDir, 'worker'), VOLUNTREE_TUNNEL: 'off', VOLUNTREE_WORKER_KEY: SECRETS.workerKey,
      REDIS_URL: `redis://${ep.username ? encodeURIComponent(ep.username) : ''}:${encodeURIComponent(ep.password ?? '')}@${ep.host}:${ep.port}`,
    });
    worker = createEngine({ demo: createDemoModule, config: workerConfig, role: 'worker', log: createLogger({ level: 'debug', write: (line) => lines.push(line) }) });
    await worker.start();
    await until('the worker opens the connection', () => worker!.services!.sendsGraph());

    const redis = createClient(ep, 'command', 'secrets-scan');
    const findings: string[] = [];
    const scanned = { keys: 0, streams: 0, connection: false };
    const check = (where: string, bytes: Buffer): void => {
      const latin1 = bytes.toString('latin1');
      const utf8 = bytes.toString('utf8');
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const [form, value] of Object.entries(forms(secret))) {
          if (utf8.includes(value) || latin1.includes(Buffer.from(value, 'utf8').toString('latin1'))) findings.push(`${name} (${form}) in ${where}`);
        }
      }
    };
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          scanned.keys += 1;
          if (key.endsWith('graph:connection')) scanned.connection = true;
          check(`the name of ${key}`, Buffer.from(key));
          // DUMP may compress a long value, so each type is also read as it is stored.
          const dump = await redis.dumpBuffer(key);
          if (dump) check(`DUMP ${key}`, dump);
          const type = await redis.type(key);
          const parts: Buffer[] =
            type === 'string' ? [(await redis.getBuffer(key)) ?? Buffer.alloc(0)]
            : type === 'hash' ? Object.entries(await redis.hgetallBuffer(key)).flatMap(([f, v]) => [Buffer.from(f), v])
            : type === 'list' ? await redis.lrangeBuffer(key, 0, -1)
            : type === 'set' ? await redis.smembersBuffer(key)
            : type === 'zset' ? await redis.zrangeBuffer(key, '0', '-1')
            : type === 'stream' ? (scanned.streams += 1, (await redis.xrangeBuffer(key, '-', '+')).flatMap(([id, fields]) => [id, ...fields]))
            : [];
          for (const part of parts) check(`${type} ${key}`, part);
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
    console.log(`secrets scan: ${scanned.keys} Redis keys (${scanned.streams} streams) checked`);
    expect(scanned.connection).toBe(true);
    expect(scanned.streams).toBeGreaterThan(0);
    expect(findings).toEqual([]);
    await worker.stop();
    worker = null;
  });

  it('clears the Page token and the App Secret with null or an empty string (disconnecting the Page)', async () => {
    const cleared = await rpc<{ secrets: Record<string, boolean>; demoMode: boolean; pageConnected: boolean }>('settings.set', { pageToken: null, appSecret: '' });
    expect(cleared.secrets).toEqual({ pageToken: false, appSecret: false, smtpPassword: true });
    expect(cleared.demoMode).toBe(true);
    expect(cleared.pageConnected).toBe(false);
    expect((await rpc<{ secrets: Record<string, boolean> }>('settings.get')).secrets.pageToken).toBe(false);
    const stored = readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
    expect(stored).not.toContain(SECRETS.pageToken);
    expect(stored).not.toContain(SECRETS.appSecret);
    expect(stored).toContain(JSON.stringify(SECRETS.smtpPassword).slice(1, -1));
    // Clearing what is not set is fine too.
    expect((await rpc<{ secrets: Record<string, boolean> }>('settings.set', { pageToken: null })).secrets.pageToken).toBe(false);
  });

  it('leaves no secret in any file of the data folder or in the log, in any encoding', async () => {
    // Stopping flushes everything: lowdb writes, Redis's AOF and its final RDB.
    await engine.stop();
    await new Promise<void>((r) => logFile.end(r));
    const files = filesUnder(dataDir);
    const secretsFile = path.join(dataDir, 'secrets.json');
    expect(files).toContain(secretsFile);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    // The scan must have reached what it is meant to cover.
    const rel = files.map((f) => path.relative(dataDir, f));
    // redis/ holds the appendonly file (AOF) and the RDB the supervised Redis wrote.
    for (const part of [/^data\/settings\.json$/, /^backups\//, /^exports\//, /^redis\/.*appendonly/, /^logs\/voluntree\.log$/]) {
      expect(rel.some((f) => part.test(f)), `${part} in ${rel.join(', ')}`).toBe(true);
    }
    expect(lines.length).toBeGreaterThan(20);
    const findings: string[] = [];
    const scan = (where: string, bytes: Buffer): void => {
      const text = bytes.toString('latin1');
      const utf8 = bytes.toString('utf8');
      for (const [name, secret] of Object.entries(SECRETS)) {
        for (const [form, value] of Object.entries(forms(secret))) {
          if (utf8.includes(value) || text.includes(Buffer.from(value, 'utf8').toString('latin1'))) findings.push(`${name} (${form}) in ${where}`);
        }
      }
    };
    for (const file of files) if (file !== secretsFile) scan(path.relative(dataDir, file), readFileSync(file));
    scan('the captured log', Buffer.from(lines.join('\n')));
    console.log(`secrets scan: ${files.length} files (${rel.filter((f) => f.startsWith('redis/')).length} of Redis) and ${lines.length} log lines checked`);
    expect(findings).toEqual([]);
  });
});
