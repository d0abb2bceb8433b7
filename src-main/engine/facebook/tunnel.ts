import { randomBytes } from 'node:crypto';
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
    if (setting.kind === 'fixed') this.update({ url: setting.url });
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
    const url = this.current.url;
    if (!url) return;
    const ok = await this.probe(url);
    if (!this.running || this.current.url !== url) return;
    if (ok) {
      this.failures = 0;
      this.update({ healthy: true, lastError: null });
      return;
    }
    this.failures += 1;
    this.update({ healthy: false, lastError: 'The webhook could not be reached through the public URL.' });
    if (this.opts.setting().kind === 'localtunnel' && this.failures >= (this.opts.failuresBeforeReconnect ?? 2)) {
      this.scheduleReconnect('probe failed');
    }
  }

  private async probe(base: string): Promise<boolean> {
    const nonce = randomBytes(8).toString('hex');
    try {
      const res = await fetch(`${base}${WEBHOOK_PATH}`, {
        headers: { [PROBE_HEADER]: nonce, 'bypass-tunnel-reminder': '1' },
        signal: AbortSignal.timeout(this.opts.probeTimeoutMs ?? 10_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status === 204 && res.headers.get(PROBE_HEADER) === nonce;
    } catch {
      return false;
    }
  }

  private async connect(): Promise<void> {
    if (!this.running || this.connecting) return;
    const port = this.opts.localPort();
    if (port === null) {
      this.scheduleReconnect('the webhook server is not listening yet');
      return;
    }
    const host = (typeof this.opts.host === 'function' ? this.opts.host() : this.opts.host) ?? PUBLIC_TUNNEL_HOST;
    this.connecting = true;
    try {
      // The client retries an unreachable server forever with no way to cancel; ask first.
      // Any answer counts, a redirect included: the real server answers `HEAD /` with a 302 to
      // its landing page on another host, which need not be reachable from here.
      await fetch(host, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(5_000) }).then((r) => r.arrayBuffer());
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
      this.update({ url: client.url.replace(/\/+$/, ''), lastError: null });
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
    // Short and jittered: a server that comes back is tried again within a few seconds (capped
    // at 5 s by default), and many apps behind one server do not all retry in the same instant.
    const wait = Math.round(this.backoffMs * (0.8 + Math.random() * 0.4));
    this.backoffMs = Math.min(this.backoffMs * 2, this.opts.backoff?.maxMs ?? 5_000);
    this.opts.log.info('tunnel reconnect scheduled', { inMs: wait, reason });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.current.reconnects += 1;
      void this.connect().then(() => this.check());
    }, wait);
  }

  private dropClient(): void {
    const c = this.client;
    this.client = null;
    if (c) {
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
