import type { Redis } from 'ioredis';
import type { Keys } from '../keys';
import type { Logger } from '../log';
import type { EngineModule } from '../module';
import { sealConnection, unsealConnection, type PageConnection, type SealedConnection } from './graph-seal';

/**
 * What the app leaves in Redis (`keys.graphConnection`) for workers:
 * - `live`: the Page connection, sealed with VOLUNTREE_WORKER_KEY (never in plain text);
 * - `demo`: the built-in simulator's address and its per-run token. Those play Facebook on
 *   127.0.0.1 only and change every start, so they are not the nonprofit's secrets; handing them
 *   out lets demo workers share replies too.
 * No key at all: no Page connection is offered (live mode without a worker key).
 */
export type ConnectionRecord = { mode: 'live'; sealed: SealedConnection } | ({ mode: 'demo' } & PageConnection);

/** How often the app writes the record again (a Redis that lost it gets it back) and a worker looks. */
const REFRESH_MS = 10_000;
const WATCH_MS = 1_000;

export interface ConnectionPublisherDeps {
  redis: Redis;
  keys: Keys;
  log: Logger;
  /** The simulator's connection while in demo mode; null otherwise (or before it listens). */
  demo: () => PageConnection | null;
  /** The connected Page (live mode); null while none is connected. */
  live: () => PageConnection | null;
  workerKey: string | null;
  /** Calls back when Settings change (a Page connected, its token replaced or removed). */
  onChange: (cb: () => void) => () => void;
  refreshMs?: number;
}

/** What the app would hand to workers right now. */
export function connectionRecord(d: Pick<ConnectionPublisherDeps, 'demo' | 'live' | 'workerKey'>): ConnectionRecord | null {
  const demo = d.demo();
  if (demo) return { mode: 'demo', ...demo };
  const live = d.live();
  if (!live || !d.workerKey) return null;
  return { mode: 'live', sealed: sealConnection(d.workerKey, live) };
}

/**
 * App role: keeps the record in Redis in step with Settings. A changed connection is sealed
 * again at once; a removed one (or live mode without a worker key) deletes the key, so workers
 * stop taking reply and notify jobs. On stop the demo record goes (the simulator stops with the
 * app); a live one stays, so workers keep sending while the app restarts.
 */
export function createConnectionPublisher(deps: ConnectionPublisherDeps): EngineModule & { publish(): Promise<void> } {
  let timer: NodeJS.Timeout | null = null;
  let off: (() => void) | null = null;
  let last: ConnectionRecord['mode'] | 'none' | null = null;
  const publish = async (): Promise<void> => {
    const rec = connectionRecord(deps);
    if (rec) await deps.redis.set(deps.keys.graphConnection, JSON.stringify(rec));
    else await deps.redis.del(deps.keys.graphConnection);
    const mode = rec?.mode ?? 'none';
    if (mode !== last) {
      deps.log.info(mode === 'none' ? 'no Page connection is offered to workers' : `the ${mode} Page connection is offered to workers${mode === 'live' ? ' (sealed with VOLUNTREE_WORKER_KEY)' : ''}`);
      last = mode;
    }
  };
  const publishSoon = (): void => void publish().catch((err: Error) => deps.log.warn('could not hand the Page connection to workers', { err: err.message }));
  return {
    name: 'graph-connection',
    publish,
    async start() {
      await publish();
      off = deps.onChange(publishSoon);
      timer = setInterval(publishSoon, deps.refreshMs ?? REFRESH_MS);
      timer.unref();
    },
    async stop() {
      off?.();
      if (timer) clearInterval(timer);
      timer = null;
      const raw = await deps.redis.get(deps.keys.graphConnection).catch(() => null);
      if (raw && (JSON.parse(raw) as ConnectionRecord).mode === 'demo') await deps.redis.del(deps.keys.graphConnection).catch(() => undefined);
    },
  };
}

/** What a worker knows about the app's connection. */
export interface ConnectionView {
  connection: PageConnection | null;
  /** Why it has none, when that needs the operator (a wrong key); shown in /healthz. */
  problem: string | null;
  /** Why it has none otherwise (nothing offered, or sealed and no key here). */
  note: string | null;
}

export interface ConnectionWatcherDeps {
  redis: Redis;
  keys: Keys;
  log: Logger;
  workerKey: string | null;
  watchMs?: number;
}

/** Reads the record (one GET) into what a worker may use. */
export function readConnection(raw: string | null, workerKey: string | null): ConnectionView {
  if (!raw) return { connection: null, problem: null, note: 'the app offers no Page connection to workers' };
  let rec: ConnectionRecord;
  try {
    rec = JSON.parse(raw) as ConnectionRecord;
  } catch {
    return { connection: null, problem: 'the Page connection in Redis is not readable', note: null };
  }
  if (rec.mode === 'demo') return { connection: { graphUrl: rec.graphUrl, graphVersion: rec.graphVersion, pageId: rec.pageId, pageToken: rec.pageToken }, problem: null, note: null };
  if (!workerKey) return { connection: null, problem: null, note: 'the app\'s Page connection is sealed and this worker has no VOLUNTREE_WORKER_KEY' };
  const opened = unsealConnection(workerKey, rec.sealed);
  return opened.ok ? { connection: opened.connection, problem: null, note: null } : { connection: null, problem: opened.message, note: null };
}

/**
 * Worker role: follows the app's record (a GET a second), so a connection that appears, changes
 * or goes away reaches the reply and notify workers within a second. A problem is logged once
 * per distinct cause, not every second.
 */
export function createConnectionWatcher(deps: ConnectionWatcherDeps): EngineModule & { view(): ConnectionView; onChange(cb: () => void): () => void; check(): Promise<void> } {
  let view: ConnectionView = { connection: null, problem: null, note: 'not looked yet' };
  let lastRaw: string | null | undefined;
  let lastSaid: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  const listeners = new Set<() => void>();
  const check = async (): Promise<void> => {
    const raw = await deps.redis.get(deps.keys.graphConnection);
    if (raw === lastRaw) return;
    lastRaw = raw;
    const before = JSON.stringify(view);
    view = readConnection(raw, deps.workerKey);
    const said = view.problem ?? view.note ?? `Page ${view.connection!.pageId} connection received`;
    if (said !== lastSaid) {
      if (view.problem) deps.log.warn(`${view.problem}; this worker takes no reply or notify jobs`);
      else deps.log.info(view.connection ? `the app's Page connection is here (Page ${view.connection.pageId}): this worker sends replies and updates` : `${view.note}: this worker leaves reply and notify jobs to the app`);
      lastSaid = said;
    }
    if (JSON.stringify(view) !== before) for (const l of listeners) l();
  };
  const checkSoon = (): void => void check().catch((err: Error) => deps.log.debug('could not read the Page connection', { err: err.message }));
  return {
    name: 'graph-connection',
    view: () => view,
    check,
    onChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    async start() {
      await check();
      timer = setInterval(checkSoon, deps.watchMs ?? WATCH_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
