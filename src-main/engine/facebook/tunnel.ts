import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import localtunnel from 'localtunnel';
import type { TunnelStatus } from '../../contract/facebook';
import { PUBLIC_TUNNEL_HOST } from '../config';
import type { Logger } from '../log';
import { PROBE_HEADER, WEBHOOK_PATH } from './webhook-routes';

/** `VOLUNTREE_TUNNEL`: the localtunnel client, no tunnel, or a public URL someone else provides. */
export type TunnelSetting = { kind: 'localtunnel' } | { kind: 'off' } | { kind: 'fixed'; url: string };

export function parseTunnelSetting(value: string | undefined): TunnelSetting {
  const v = (value ?? 'localtunnel').trim();
  if (v === '' || v === 'localtunnel') return { kind: 'localtunnel' };
  if (v === 'off') return { kind: 'off' };
  const url = new URL(v); // throws on nonsense, which the settings layer reports
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('The tunnel must be "localtunnel", "off" or an http(s) URL.');
  return { kind: 'fixed', url: v.replace(/\/+$/, '') };
}

/** The tunnel's state as the contract shows it (see TunnelStatus). */
export type TunnelState = TunnelStatus;

/** The part of a localtunnel client the manager uses (the real one, or a test's). */
export interface TunnelClient {
  url: string;
  close(): void;
  on(event: 'error', cb: (err: Error) => void): unknown;
  on(event: 'close', cb: () => void): unknown;
}

export interface TunnelManagerOptions {
  setting: () => TunnelSetting;
  /** The webhook-only server's port on 127.0.0.1 (null before it listens). */
  localPort: () => number | null;
  /** The localtunnel server (`VOLUNTREE_TUNNEL_HOST` or Settings), read at each connect; the public one when not given. */
  host?: string | (() => string);
  /** The requested subdomain, kept stable across restarts so the callback URL rarely changes. */
  subdomain: () => string;
  log: Logger;
  /** Called whenever the URL or health changes. */
  onChange?: (state: TunnelState) => void | Promise<void>;
  healthIntervalMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /**
   * While the tunnel server is unreachable, how often to ask it whether it is back, so a
   * reconnect follows its return at once instead of waiting out the backoff.
   */
  serverProbeMs?: number;
  /**
   * After closing our own tunnel, how long to wait before asking for the subdomain again. The
   * real server keeps a client's id for 1 s after its last socket closes (lib/Client.js,
   * `graceTimeout`) and meanwhile hands a random id to anyone asking for it, us included:
   * asking sooner would move the public URL on every restart.
   */
  idReleaseMs?: number;
  /** Probe failures in a row before the tunnel is rebuilt. */
  failuresBeforeReconnect?: number;
  probeTimeoutMs?: number;
  /** How long to wait for the tunnel server to hand out a tunnel. */
  openTimeoutMs?: number;
  open?: (opts: { port: number; host: string; subdomain?: string }) => Promise<TunnelClient>;
}

/**
 * Keeps the webhook reachable from Meta. localtunnel's client never asks for a new tunnel
 * after its server drops it, so this manager watches it (its error/close events, plus a probe
 * through the public URL that must come back with our own nonce) and rebuilds it with backoff.
 */
export class TunnelManager {
  private client: TunnelClient | null = null;
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private running = false;
  private connecting = false;
  private failures = 0;
  private backoffMs: number;
  private current: TunnelState;
  /** The last connect found the tunnel server unreachable: watch it and retry when it answers. */
  private serverDown = false;
  private serverWatch: NodeJS.Timeout | null = null;
  /** When we last closed a tunnel of ours (0: never). */
  private droppedAt = 0;
  /**
   * The public URL of the tunnel we hold (or the fixed one), answering or not. The state's
   * `url` is this only once a probe has come back through it: /healthz, the status bar and
   * the Meta callback never show a URL that does not answer, e.g. one the server handed out
   * whose public side is not reachable, or the old one while a rebuild after failed probes waits.
   */
  private tunnelUrl: string | null = null;

  constructor(private readonly opts: TunnelManagerOptions) {
    this.backoffMs = opts.backoff?.initialMs ?? 1000;
    this.current = { mode: opts.setting().kind, url: null, healthy: false, callbackUrl: null, lastError: null, reconnects: 0 };
  }

  state(): TunnelState {
    return { ...this.current };
  }

  async start(): Promise<void> {
    this.running = true;
    const setting = this.opts.setting();
    this.update({ mode: setting.kind });
    if (setting.kind === 'off') return;
    if (setting.kind === 'fixed') this.tunnelUrl = setting.url;
    else await this.connect();
    this.timer = setInterval(() => void this.check(), this.opts.healthIntervalMs ?? 30_000);
    this.timer.unref();
    await this.check();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = null;
    this.retryTimer = null;
    this.stopWatchingServer();
    this.dropClient();
  }

  /** Tears the tunnel down and builds it again (the coordinator's "restart tunnel"). */
  async restart(): Promise<TunnelState> {
    await this.stop();
    this.backoffMs = this.opts.backoff?.initialMs ?? 1000;
    await this.start();
    return this.state();
  }

  /** One health check: probe the public URL; rebuild the tunnel after repeated failures. */
  async check(): Promise<void> {
    if (!this.running || this.connecting) return;
    const url = this.tunnelUrl;
    if (!url) return;
    const result = await this.probe(url);
    if (!this.running || this.tunnelUrl !== url) return;
    if (result.ok) {
      this.failures = 0;
      this.update({ url, healthy: true, lastError: null });
      return;
    }
    this.failures += 1;
    this.update({ url: null, healthy: false, lastError: `The webhook could not be reached through the public URL (${result.why}).` });
    if (this.opts.setting().kind === 'localtunnel' && this.failures >= (this.opts.failuresBeforeReconnect ?? 2)) {
      this.scheduleReconnect('probe failed');
    }
  }

  /**
   * One request through the public URL on a connection of its own: no keep-alive agent, and
   * `Connection: close`, which the tunnel server passes on, so the tunnel socket it used is
   * closed after the answer and the next probe travels on another one from the pool. A probe
   * on a kept-alive connection keeps testing one warm socket and never meets a stale one.
   * Anything but our 204 with our nonce, a 408 or 5xx from the tunnel included, is a failure.
   */
  private probe(base: string): Promise<{ ok: true } | { ok: false; why: string }> {
    const nonce = randomBytes(8).toString('hex');
    const url = new URL(`${base}${WEBHOOK_PATH}`);
    const get = url.protocol === 'https:' ? https.get : http.get;
    return new Promise((resolve) => {
      const req = get(url, { agent: false, headers: { [PROBE_HEADER]: nonce, 'bypass-tunnel-reminder': '1', connection: 'close' }, timeout: this.opts.probeTimeoutMs ?? 10_000 }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status === 204 && res.headers[PROBE_HEADER] === nonce) resolve({ ok: true });
        else resolve({ ok: false, why: status === 204 ? 'someone else answered' : `it answered ${status}` });
      });
      req.on('timeout', () => req.destroy(new Error('no answer in time')));
      req.on('error', (err) => resolve({ ok: false, why: err.message }));
    });
  }

  private async connect(): Promise<void> {
    if (!this.running || this.connecting) return;
    const port = this.opts.localPort();
    if (port === null) {
      this.scheduleReconnect('the webhook server is not listening yet');
      return;
    }
    const host = this.host();
    this.connecting = true;
    try {
      const release = (this.opts.idReleaseMs ?? 1_500) - (Date.now() - this.droppedAt);
      if (this.droppedAt && release > 0) await new Promise((r) => setTimeout(r, release));
      if (!this.running) return;
      // The client retries an unreachable server forever with no way to cancel; ask first.
      try {
        await serverAnswers(host, 5_000);
        this.serverDown = false;
      } catch (err) {
        this.serverDown = true;
        throw err;
      }
      const open = this.opts.open ?? ((o) => localtunnel(o) as Promise<TunnelClient>);
      // Always the stable subdomain, however long the outage: the real server never refuses a
      // taken one (it hands out a random id instead, which then becomes the URL and the
      // callback is updated), so asking for a random one ourselves only changes the URL twice.
      const subdomain = this.opts.subdomain();
      const pending = open({ port, host, ...(subdomain ? { subdomain } : {}) });
      const client = await withTimeout(pending, this.opts.openTimeoutMs ?? 20_000);
      if (!client) {
        // Close it if it ever opens: nobody is using it.
        void pending.then((late) => late.close()).catch(() => undefined);
        throw new Error('the tunnel server did not hand out a tunnel in time');
      }
      if (!this.running) {
        client.close();
        return;
      }
      this.client = client;
      client.on('error', (err) => this.lost(client, err.message));
      client.on('close', () => this.lost(client, 'tunnel closed'));
      this.backoffMs = this.opts.backoff?.initialMs ?? 1000;
      this.failures = 0;
      this.opts.log.info('tunnel open', { url: client.url });
      // Shown once the probe that follows comes back through it (see tunnelUrl).
      this.tunnelUrl = client.url.replace(/\/+$/, '');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // No URL while there is no tunnel: /healthz and the status bar never show one that does not answer.
      this.update({ url: null, healthy: false, lastError: `The tunnel server could not be reached (${message}).` });
      this.connecting = false;
      this.scheduleReconnect(message);
      return;
    } finally {
      this.connecting = false;
    }
  }

  private lost(client: TunnelClient, reason: string): void {
    if (client !== this.client || !this.running) return;
    this.opts.log.warn('tunnel lost; reconnecting', { reason });
    this.update({ url: null, healthy: false, lastError: `The tunnel dropped (${reason}); reconnecting.` });
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (!this.running || this.retryTimer) return;
    this.dropClient();
    // Short and jittered: a server that comes back is tried again within a few seconds (never
    // more than maxMs, 5 s by default, jitter included), and many apps behind one server do not
    // all retry in the same instant.
    const cap = this.opts.backoff?.maxMs ?? 5_000;
    const wait = Math.min(cap, Math.round(this.backoffMs * (0.75 + Math.random() * 0.5)));
    this.backoffMs = Math.min(this.backoffMs * 2, cap);
    this.opts.log.info('tunnel reconnect scheduled', { inMs: wait, reason });
    this.retryTimer = setTimeout(() => this.retryNow(), wait);
    if (this.serverDown) this.watchServer();
  }

  /** Cancels a pending backoff and connects now (then checks the new URL at once). */
  private retryNow(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopWatchingServer();
    if (!this.running) return;
    this.current.reconnects += 1;
    void this.connect().then(() => this.check());
  }

  /**
   * Asks an unreachable tunnel server whether it is back, and the first time it answers, tries
   * at once: the backoff only spaces out attempts against a server that is down, it should
   * never delay the first attempt against one that is up again.
   */
  private watchServer(): void {
    if (this.serverWatch) return;
    let asking = false;
    this.serverWatch = setInterval(() => {
      if (asking || !this.running || !this.retryTimer) return;
      asking = true;
      serverAnswers(this.host(), Math.min(2_000, this.opts.serverProbeMs ?? 1_000))
        .then(() => {
          if (this.running && this.retryTimer && !this.connecting) {
            this.opts.log.info('tunnel server answers again; reconnecting now');
            this.retryNow();
          }
        })
        .catch(() => undefined)
        .finally(() => (asking = false));
    }, this.opts.serverProbeMs ?? 1_000);
    this.serverWatch.unref();
  }

  private stopWatchingServer(): void {
    if (this.serverWatch) clearInterval(this.serverWatch);
    this.serverWatch = null;
  }

  private host(): string {
    return (typeof this.opts.host === 'function' ? this.opts.host() : this.opts.host) ?? PUBLIC_TUNNEL_HOST;
  }

  private dropClient(): void {
    const c = this.client;
    this.client = null;
    this.tunnelUrl = null;
    if (c) {
      this.droppedAt = Date.now();
      try {
        c.close();
      } catch {
        // Already dead: nothing to close.
      }
    }
  }

  private update(patch: Partial<TunnelState>): void {
    const next = { ...this.current, ...patch };
    next.callbackUrl = next.url ? `${next.url}${WEBHOOK_PATH}` : null;
    const changed = next.url !== this.current.url || next.healthy !== this.current.healthy || next.mode !== this.current.mode;
    this.current = next;
    if (changed && this.opts.onChange) {
      Promise.resolve(this.opts.onChange(this.state())).catch((err: unknown) => this.opts.log.warn('tunnel change handler failed', { err: err instanceof Error ? err.message : String(err) }));
    }
  }
}

/**
 * Resolves when the localtunnel server gives any HTTP answer to `HEAD /`, on a connection of
 * its own. A redirect counts and is not followed: the real server answers `HEAD /` with a 302
 * to its landing page on another host, which need not be reachable from here.
 */
function serverAnswers(host: string, timeoutMs: number): Promise<void> {
  const url = new URL(host);
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve();
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
    req.end();
  });
}

/** The promise's value, or null when it takes longer than `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(null), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
