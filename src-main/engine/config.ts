import os from 'node:os';
import path from 'node:path';
import { graphVersionProblem, PUBLIC_TUNNEL_HOST, tunnelHostProblem } from '../contract/system';

/**
 * Everything the engine needs to know at start, read from the environment (each also settable
 * in the app's settings, which win over nothing: the environment is the override).
 */
export interface EngineConfig {
  dataDir: string;
  host: string;
  /** 0 = any free port. */
  port: number;
  /** API token for /api/*; generated at start when not set. */
  token: string | null;
  /** An external Redis instead of the supervised one. */
  redisUrl: string | null;
  redisServer: string | null;
  /** Where a packaged app keeps its bundled redis-server. */
  bundledRedisDir: string | null;
  /** The trained model artifact. */
  modelDir: string;
  /** Built renderer served in browser mode. */
  rendererDir: string | null;
  graphUrl: string;
  graphVersion: string;
  appId: string | null;
  appSecret: string | null;
  verifyToken: string | null;
  pageId: string | null;
  pageToken: string | null;
  /** `localtunnel`, `off`, or a fixed public https URL. */
  tunnel: string;
  /** The localtunnel server to ask for a tunnel: the public one unless the nonprofit runs its own. */
  tunnelHost: string;
  /**
   * `VOLUNTREE_WORKER_KEY`: the operator's key the app seals its Page connection with for
   * workers (facebook/graph-connection.ts); the same value on a worker unseals it.
   */
  workerKey: string | null;
}

/** Shorter keys are too easy to guess offline from the sealed copy in Redis. */
export const MIN_WORKER_KEY_LENGTH = 16;

export { PUBLIC_TUNNEL_HOST, tunnelHostProblem };

/** The per-user data folder of the platform (Electron passes its own userData instead). */
export function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Voluntree');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Voluntree');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'voluntree');
}

function str(v: string | undefined): string | null {
  return v && v.trim() !== '' ? v.trim() : null;
}

/** Thrown for a configuration value that cannot work; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function configFromEnv(env: NodeJS.ProcessEnv, defaults: Partial<EngineConfig> = {}): EngineConfig {
  const port = Number(env.VOLUNTREE_PORT ?? defaults.port ?? 4477);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`VOLUNTREE_PORT must be a port number (got "${env.VOLUNTREE_PORT}")`);
  const host = str(env.VOLUNTREE_HOST) ?? defaults.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    // The API holds personal data and answers to one token: it must not face a network.
    // Only the webhook faces the internet, and only through the tunnel.
    throw new ConfigError(`VOLUNTREE_HOST must be a loopback address (127.0.0.1, ::1 or localhost); got "${host}".`);
  }
  const graphVersion = str(env.FB_GRAPH_VERSION) ?? defaults.graphVersion ?? 'v25.0';
  const versionProblem = graphVersionProblem(graphVersion);
  if (versionProblem) throw new ConfigError(`FB_GRAPH_VERSION: ${versionProblem}`);
  const tunnelHost = (str(env.VOLUNTREE_TUNNEL_HOST) ?? defaults.tunnelHost ?? PUBLIC_TUNNEL_HOST).replace(/\/+$/, '');
  const hostProblem = tunnelHostProblem(tunnelHost);
  if (hostProblem) throw new ConfigError(`VOLUNTREE_TUNNEL_HOST: ${hostProblem}`);
  const workerKey = str(env.VOLUNTREE_WORKER_KEY) ?? defaults.workerKey ?? null;
  if (workerKey !== null && workerKey.length < MIN_WORKER_KEY_LENGTH) {
    throw new ConfigError(`VOLUNTREE_WORKER_KEY must be at least ${MIN_WORKER_KEY_LENGTH} characters (for example the output of \`openssl rand -base64 32\`).`);
  }
  return {
    dataDir: str(env.VOLUNTREE_DATA_DIR) ?? defaults.dataDir ?? defaultDataDir(),
    host,
    port,
    token: str(env.VOLUNTREE_TOKEN) ?? defaults.token ?? null,
    redisUrl: str(env.REDIS_URL) ?? defaults.redisUrl ?? null,
    redisServer: str(env.VOLUNTREE_REDIS_SERVER) ?? defaults.redisServer ?? null,
    bundledRedisDir: defaults.bundledRedisDir ?? null,
    modelDir: str(env.VOLUNTREE_MODEL_DIR) ?? defaults.modelDir ?? path.resolve('model', 'artifact'),
    rendererDir: defaults.rendererDir ?? null,
    graphUrl: str(env.FB_GRAPH_URL) ?? defaults.graphUrl ?? 'https://graph.facebook.com',
    graphVersion,
    appId: str(env.FB_APP_ID) ?? defaults.appId ?? null,
    appSecret: str(env.FB_APP_SECRET) ?? defaults.appSecret ?? null,
    verifyToken: str(env.FB_VERIFY_TOKEN) ?? defaults.verifyToken ?? null,
    pageId: str(env.FB_PAGE_ID) ?? defaults.pageId ?? null,
    pageToken: str(env.FB_PAGE_TOKEN) ?? defaults.pageToken ?? null,
    tunnel: str(env.VOLUNTREE_TUNNEL) ?? defaults.tunnel ?? 'localtunnel',
    tunnelHost,
    workerKey,
  };
}
