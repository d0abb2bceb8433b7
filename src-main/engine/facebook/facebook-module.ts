import { createHash } from 'node:crypto';
import type { ConnectResult, ConnectStep, FacebookStatus } from '../../contract/facebook';
import type { EngineContext, EngineModule } from '../module';
import type { GraphClient } from './graph-client';
import { GraphError } from './graph-types';
import { PUBLIC_TUNNEL_HOST } from '../config';
import type { Logger } from '../log';
import { parseTunnelSetting, TunnelManager, type TunnelManagerOptions, type TunnelSetting, type TunnelState } from './tunnel';
import type { WebhookModule } from './webhook-module';

/** The settings this module reads (getters: the coordinator can change them at run time). */
export interface FacebookSettings {
  demoMode(): boolean;
  /** `VOLUNTREE_TUNNEL`: `localtunnel`, `off` or a public URL. */
  tunnel(): string;
  /** The localtunnel server to ask (`VOLUNTREE_TUNNEL_HOST` or Settings); the public one when absent. */
  tunnelHost?(): string;
  pageId(): string | null;
  verifyToken(): string;
  /** Called back when settings change, so the tunnel follows (returns the unsubscribe). */
  onChange?(cb: () => void): () => void;
}

export interface FacebookModuleDeps {
  graph: GraphClient;
  webhook: WebhookModule;
  settings: FacebookSettings;
  /** A localtunnel server that wins over the settings' one (tests give a loopback one). */
  tunnelHost?: string;
  tunnelTiming?: Pick<TunnelManagerOptions, 'healthIntervalMs' | 'backoff' | 'probeTimeoutMs' | 'failuresBeforeReconnect'>;
  /** How long `facebook.connect` waits for the tunnel to become healthy. */
  connectWaitMs?: number;
}

export interface FacebookModule extends EngineModule {
  tunnel: TunnelManager;
}

/**
 * The live Facebook connection: the tunnel (run only while a Page is connected), what the
 * coordinator must paste into the Meta app when the public URL changes (or updating it
 * through the Graph API when an app token is set), and the guided connection check.
 */
export function createFacebookModule(ctx: EngineContext, deps: FacebookModuleDeps): FacebookModule {
  const { graph, webhook, settings } = deps;
  const log = ctx.log.child({ module: 'facebook' });
  // Stable per installation, so the public URL (and the Meta app's callback) rarely changes.
  const subdomain = `voluntree-${createHash('sha256').update(ctx.dataDir).digest('hex').slice(0, 12)}`;
  let running = false;
  let appliedSetting = '';
  let unsubscribe: (() => void) | null = null;

  const tunnel = new TunnelManager({
    setting: () => safeTunnelSetting(settings.tunnel(), log),
    localPort: () => webhook.tunnelPort(),
    subdomain: () => subdomain,
    log,
    host: () => deps.tunnelHost ?? settings.tunnelHost?.() ?? PUBLIC_TUNNEL_HOST,
    ...deps.tunnelTiming,
    onChange: (state) => onTunnelChange(state),
  });

  async function onTunnelChange(state: TunnelState): Promise<void> {
    await ctx.live.publish('facebook.tunnel', state);
    if (!state.healthy || !state.callbackUrl) return;
    const last = await ctx.redis.hget(ctx.keys.tunnelState, 'callbackUrl');
    if (last === state.callbackUrl) return;
    await ctx.redis.hset(ctx.keys.tunnelState, 'callbackUrl', state.callbackUrl);
    await announceCallback(state.callbackUrl);
  }

  /** Points Meta at the new URL itself when it can; otherwise says plainly what to paste where. */
  async function announceCallback(callbackUrl: string): Promise<void> {
    if (graph.hasAppToken()) {
      try {
        await graph.setCallbackUrl(callbackUrl, settings.verifyToken());
        await ctx.live.publish('system.notice', { level: 'info', message: `Facebook now sends comments to ${callbackUrl}.` });
        return;
      } catch (err) {
        log.warn('could not update the webhook address through the Graph API', { err: err instanceof GraphError ? err.userMessage : String(err) });
      }
    }
    await ctx.live.publish('system.notice', { level: 'warning', message: pasteInstructions(callbackUrl, settings.verifyToken()) });
  }

  async function syncTunnel(): Promise<void> {
    // A new tunnel server is a new tunnel too, so it is part of what is compared.
    const wanted = settings.demoMode() ? 'demo' : `${settings.tunnel()} via ${deps.tunnelHost ?? settings.tunnelHost?.() ?? PUBLIC_TUNNEL_HOST}`;
    if (running && wanted === appliedSetting) return;
    if (running) await tunnel.stop();
    running = false;
    appliedSetting = wanted;
    if (wanted === 'demo') return;
    running = true;
    await tunnel.start();
  }

  async function waitHealthy(): Promise<TunnelState> {
    const until = Date.now() + (deps.connectWaitMs ?? 15_000);
    await tunnel.check();
    while (!tunnel.state().healthy && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      await tunnel.check();
    }
    return tunnel.state();
  }

  async function connect(): Promise<ConnectResult> {
    if (settings.demoMode()) {
      return {
        ok: false,
        mode: 'demo',
        steps: [{ step: 'page_token', ok: false, message: 'No Page is connected yet (demo mode). Enter the Page ID and the Page token in Settings, then run this check again.' }],
      };
    }
    const steps: ConnectStep[] = [];
    const done = (): ConnectResult => ({ ok: steps.every((s) => s.ok), mode: 'live', steps });
    const fail = (step: ConnectStep['step'], err: unknown): ConnectResult => {
      steps.push({ step, ok: false, message: err instanceof GraphError ? err.userMessage : `Unexpected problem: ${err instanceof Error ? err.message : String(err)}` });
      return done();
    };

    try {
      const me = await graph.whoAmI();
      const pageId = settings.pageId();
      if (me.id !== pageId) {
        steps.push({ step: 'page_token', ok: false, message: `The Page token belongs to "${me.name}" (${me.id}), not to the Page ID in Settings (${pageId ?? 'none'}). Paste the token of the right Page.` });
        return done();
      }
      steps.push({ step: 'page_token', ok: true, message: `The Page token works for "${me.name}".` });
    } catch (err) {
      return fail('page_token', err);
    }

    try {
      await graph.subscribeApp();
      const fields = await graph.subscribedFields();
      const ok = fields.includes('feed') && fields.includes('messages');
      steps.push({ step: 'subscription', ok, message: ok ? 'The Page sends comments and Messenger replies to Voluntree.' : 'Facebook did not confirm the subscription to comments and messages. Check the app permissions (pages_manage_metadata, pages_messaging) and try again.' });
      if (!ok) return done();
    } catch (err) {
      return fail('subscription', err);
    }

    await syncTunnel();
    const t = tunnel.state().mode === 'off' ? tunnel.state() : await waitHealthy();
    if (t.mode === 'off') {
      steps.push({ step: 'tunnel', ok: false, message: 'The tunnel is off, so Facebook cannot reach this computer. Set the tunnel to "localtunnel" or to a public URL in Settings.' });
      return done();
    }
    if (!t.healthy || !t.callbackUrl) {
      steps.push({ step: 'tunnel', ok: false, message: t.lastError ?? 'The public address does not answer yet. Check the internet connection, or restart the tunnel.' });
      return done();
    }
    steps.push({ step: 'tunnel', ok: true, message: `The webhook is reachable at ${t.callbackUrl}.` });

    if (graph.hasAppToken()) {
      try {
        await graph.setCallbackUrl(t.callbackUrl, settings.verifyToken());
        await ctx.redis.hset(ctx.keys.tunnelState, 'callbackUrl', t.callbackUrl);
        steps.push({ step: 'webhook', ok: true, message: `Facebook verified the webhook at ${t.callbackUrl}.` });
      } catch (err) {
        return fail('webhook', err);
      }
    } else if (webhook.counters.lastVerifiedAt) {
      steps.push({ step: 'webhook', ok: true, message: `Facebook verified the webhook at ${new Date(webhook.counters.lastVerifiedAt).toISOString()}.` });
    } else {
      steps.push({ step: 'webhook', ok: false, message: pasteInstructions(t.callbackUrl, settings.verifyToken()) });
    }
    return done();
  }

  function status(): FacebookStatus {
    return {
      mode: settings.demoMode() ? 'demo' : 'live',
      pageId: settings.pageId(),
      tunnel: tunnel.state(),
      verifyToken: settings.verifyToken(),
      updatesCallbackItself: graph.hasAppToken(),
      webhook: { lastVerifiedAt: webhook.counters.lastVerifiedAt ?? null, accepted: webhook.counters.accepted, duplicates: webhook.counters.duplicates, refused: webhook.counters.refused },
    };
  }

  return {
    name: 'facebook',
    tunnel,
    handlers: {
      'facebook.status': async () => status(),
      'facebook.connect': async () => connect(),
      'tunnel.restart': async () => {
        if (!running) await syncTunnel();
        return running ? tunnel.restart() : tunnel.state();
      },
    },
    async start() {
      if (ctx.role !== 'app') return;
      unsubscribe = settings.onChange?.(() => void syncTunnel().catch((err: unknown) => log.warn('tunnel did not follow the settings', { err: String(err) }))) ?? null;
      await syncTunnel();
    },
    async stop() {
      unsubscribe?.();
      running = false;
      await tunnel.stop();
    },
    health(report) {
      const t = tunnel.state();
      report.facebook.tunnelUrl = t.url;
      report.facebook.tunnelHealthy = t.healthy;
      // Only while the engine runs the tunnel: a worker or a stopped module has none to speak of.
      report.facebook.tunnelMode = running ? t.mode : 'off';
      report.facebook.tunnelProblem = running && t.mode !== 'off' && !t.healthy ? t.lastError : null;
      const pageId = settings.pageId();
      if (pageId) report.facebook.pageId = pageId;
      if (running && t.mode !== 'off' && !t.healthy) {
        report.problems.push(t.lastError ?? 'Facebook cannot reach Voluntree: the tunnel is not healthy. Restart the tunnel from the Facebook screen.');
      }
    },
  };
}

/** A bad stored tunnel setting must not stop the app: it runs without a tunnel and says why. */
function safeTunnelSetting(value: string, log: Logger): TunnelSetting {
  try {
    return parseTunnelSetting(value);
  } catch {
    log.warn('the tunnel setting is not "localtunnel", "off" or a URL; running without a tunnel');
    return { kind: 'off' };
  }
}

function pasteInstructions(callbackUrl: string, verifyToken: string): string {
  return `Facebook must be told the new webhook address. In the Meta app dashboard, open Webhooks, choose "Page", set Callback URL to ${callbackUrl} and Verify token to ${verifyToken}, press "Verify and save", and subscribe to "feed" and "messages". (Set the App ID and App Secret in Settings and Voluntree will do this itself.)`;
}
