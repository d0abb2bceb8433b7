import { z } from 'zod';
import { liveEvent, request } from './define';
import { tunnelHostProblem } from './tunnel-host';

/**
 * The oldest Graph API version Voluntree speaks. v25.0 (2026) is usable until July 2028; the
 * 2026 Messenger rules (no message tags for event updates) are only right from there on.
 */
export const OLDEST_GRAPH_VERSION = 25;

/** Why a Graph API version cannot be used, or null when it can (`v25.0`, `v26.0`, …). */
export function graphVersionProblem(version: string): string | null {
  const m = /^v(\d+)\.(\d+)$/.exec(version);
  if (!m) return `a Graph API version looks like v25.0 (got "${version}")`;
  if (Number(m[1]) < OLDEST_GRAPH_VERSION) return `Graph API ${version} is older than v${OLDEST_GRAPH_VERSION}.0, the oldest Voluntree supports`;
  return null;
}

export { PUBLIC_TUNNEL_HOST, tunnelHostProblem } from './tunnel-host';

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface HealthReport {
  ok: boolean;
  redis: { up: boolean; mode: 'supervised' | 'external'; restarts: number; version?: string };
  model: { version: string | null };
  queues: Record<string, QueueCounts>;
  streams: Record<string, { length: number; pending: number }>;
  facebook: {
    mode: 'demo' | 'live';
    pageId?: string;
    /** Shown only once a probe came back through it; null while the tunnel is down or still being checked. */
    tunnelUrl?: string | null;
    tunnelHealthy?: boolean;
    /** Whether a tunnel is wanted at all, so a screen can tell "off" from "not answering". */
    tunnelMode?: 'localtunnel' | 'fixed' | 'off';
    /** Why the tunnel is not answering, in the coordinator's words (the latest failure). */
    tunnelProblem?: string | null;
  };
  /**
   * Every live Voluntree process on this Redis (the app and each `voluntree worker`), with its
   * last heartbeat (ms ago, beats every 5 s; gone 15 s after the last) and what it is working on
   * right now: stream entries it holds unacknowledged, per stream group.
   */
  processes?: Array<{ id: string; role: 'app' | 'worker'; host: string; pid: number; lastBeatMsAgo: number; sendsGraph: boolean; graphProblem?: string; pending: Record<string, number> }>;
  problems: string[];
}

export interface Settings {
  organisationName: string;
  graphVersion: string;
  tunnel: string;
  /** The localtunnel server asked for a tunnel (`VOLUNTREE_TUNNEL_HOST` overrides it). */
  tunnelHost: string;
  pageId: string | null;
  /**
   * The Meta app's App ID (not a secret). With the App Secret it lets Voluntree set the
   * webhook callback URL itself when the tunnel address changes. `FB_APP_ID` overrides it.
   */
  appId: string | null;
  pageConnected: boolean;
  demoMode: boolean;
  /** Secrets are never returned: only whether each is set. */
  secrets: { pageToken: boolean; appSecret: boolean; smtpPassword: boolean };
  email: { host: string | null; port: number | null; from: string | null; user: string | null };
  backupRetentionDays: number;
  /**
   * The approved Messenger utility template used for event updates outside the 24 h window
   * (message tags for event updates stopped working in April 2026). Null: none approved yet,
   * so such people get the update by email when they gave one.
   */
  utilityTemplate: { name: string; language: string } | null;
  /**
   * Comments the intent model is less sure of than this (0–1) are not acted on: they wait in
   * "Needs a look" for the coordinator. 0 acts on every guess.
   */
  reviewThreshold: number;
}

export const settingsPatch = z
  .object({
    organisationName: z.string().trim().min(1).max(200),
    graphVersion: z.string().superRefine((v, ctx) => {
      const problem = graphVersionProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    tunnel: z.string().min(1).max(500),
    tunnelHost: z
      .string()
      .trim()
      .max(500)
      .transform((v) => v.replace(/\/+$/, ''))
      .superRefine((v, ctx) => {
        const problem = tunnelHostProblem(v);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    pageId: z.string().regex(/^\d+$/).nullable(),
    appId: z.string().trim().regex(/^\d{1,32}$/, 'The App ID is the number at the top of the Meta app dashboard').nullable(),
    // A secret to store, or null (or '') to remove it: disconnecting the Page removes its token.
    pageToken: z.string().trim().max(1000).nullable(),
    appSecret: z.string().trim().max(200).nullable(),
    smtpPassword: z.string().max(500).nullable(),
    email: z.object({
      host: z.string().max(255).nullable(),
      port: z.number().int().min(1).max(65535).nullable(),
      from: z.string().max(320).nullable(),
      user: z.string().max(320).nullable(),
    }),
    backupRetentionDays: z.number().int().min(1).max(365),
    utilityTemplate: z
      .object({
        name: z.string().trim().regex(/^[a-z0-9_]{1,512}$/, 'Template names are lower-case letters, digits and _ as approved by Meta'),
        language: z.string().trim().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'Language looks like en_US'),
      })
      .nullable(),
    reviewThreshold: z.number().min(0, 'The review threshold is between 0 and 0.99').max(0.99, 'The review threshold is between 0 and 0.99'),
  })
  .partial()
  .strict();

export const systemRequests = {
  'system.health': request<HealthReport>()(z.object({}).strict(), 'Redis, model, queue and tunnel state'),
  'settings.get': request<Settings>()(z.object({}).strict(), 'The app settings (secrets only as set / not set)'),
  'settings.set': request<Settings>()(settingsPatch, 'Changes some settings; secrets are stored encrypted, null or empty removes one'),
};

export const systemEvents = {
  'system.health': liveEvent<HealthReport>('Health changed (Redis up/down, tunnel, model)'),
  'system.notice': liveEvent<{ level: 'info' | 'warning' | 'error'; message: string }>('Something the coordinator should read'),
};
