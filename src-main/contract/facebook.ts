// The facebook part of the contract. Requests: name → args schema (zod) + result type.
// Live events: name → payload type. Merged into the whole contract by ./index.ts.
import { z } from 'zod';
import { liveEvent, request } from './define';

/** The tunnel that carries Meta's webhooks to this computer. */
export interface TunnelStatus {
  /** `localtunnel`, `off`, or `fixed` (a public URL from another tunnel or a reverse proxy). */
  mode: 'localtunnel' | 'off' | 'fixed';
  /** The public base URL, or null while there is none. */
  url: string | null;
  healthy: boolean;
  /** What Meta's Callback URL field must hold (the public URL + /webhooks/facebook). */
  callbackUrl: string | null;
  /** A sentence for the coordinator when something is wrong. */
  lastError: string | null;
  reconnects: number;
}

export interface FacebookStatus {
  /** `demo` while no Page is connected: the built-in simulator plays Facebook. */
  mode: 'demo' | 'live';
  pageId: string | null;
  tunnel: TunnelStatus;
  /** The verify token to paste beside the callback URL in the Meta app (not a secret). */
  verifyToken: string;
  /** True when the App ID and App Secret are set, so Voluntree updates the callback URL itself. */
  updatesCallbackItself: boolean;
  webhook: { lastVerifiedAt: number | null; accepted: number; duplicates: number; refused: number };
}

export interface ConnectStep {
  step: 'page_token' | 'subscription' | 'tunnel' | 'webhook';
  ok: boolean;
  /** What was found and, when not ok, what to do. */
  message: string;
}

export interface ConnectResult {
  ok: boolean;
  mode: 'demo' | 'live';
  steps: ConnectStep[];
}

export const facebookRequests = {
  'facebook.status': request<FacebookStatus>()(z.object({}).strict(), 'Demo or live, the Page, the tunnel, and what to paste into the Meta app'),
  'facebook.connect': request<ConnectResult>()(
    z.object({}).strict(),
    'Checks the Page connection step by step: token, subscription, tunnel, webhook verification',
  ),
  'tunnel.restart': request<TunnelStatus>()(z.object({}).strict(), 'Rebuilds the tunnel now'),
};

export const facebookEvents = {
  'facebook.tunnel': liveEvent<TunnelStatus>('The tunnel URL or its health changed'),
};
