import type { LiveEventName, LivePayload, RequestArgs, RequestName, RequestResult, VoluntreeApi } from '@contract';
import { ApiError, errorFromBody } from './api-error';
import { backoffDelay } from './backoff';
import { connectionCell, type Bridge } from './bridge';

/** The part of the WebSocket API the bridge uses (the browser's, or `ws` in tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface HttpBridgeOptions {
  /** Origin of the engine's HTTP surface, e.g. `http://127.0.0.1:4317`; the page's own origin in the app. */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  openSocket?: SocketFactory;
  /** Reconnect delays; tests shorten them. */
  backoff?: { initialMs: number; maxMs: number };
}

type AnyListener = (payload: unknown) => void;

/**
 * Browser mode: requests are `POST /api/rpc/<method>` with the bearer token, live events come
 * over one WebSocket (`/api/live?token=`) that reconnects with backoff. While it is down the
 * connection reads `reconnecting`; the stores reload what they show once it is back.
 */
export function createHttpBridge(opts: HttpBridgeOptions): Bridge {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const openSocket: SocketFactory = opts.openSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const { initialMs, maxMs } = opts.backoff ?? { initialMs: 500, maxMs: 10_000 };
  const cell = connectionCell('connecting');
  const listeners = new Map<string, Set<AnyListener>>();
  let socket: SocketLike | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const liveUrl = (() => {
    const url = new URL('/api/live', opts.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', opts.token);
    return url.toString();
  })();

  function dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let msg: { event?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(data) as { event?: unknown; payload?: unknown };
    } catch {
      return;
    }
    if (typeof msg.event !== 'string') return;
    for (const cb of listeners.get(msg.event) ?? []) {
      try {
        cb(msg.payload);
      } catch (err) {
        console.error(`live listener for ${msg.event} failed`, err);
      }
    }
  }

  function connect(): void {
    if (closed) return;
    const ws = openSocket(liveUrl);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      cell.set('open');
    };
    ws.onmessage = (ev) => dispatch(ev.data);
    ws.onerror = () => undefined;
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (closed || cell.get() === 'unauthorized') return;
      cell.set('reconnecting');
      timer = setTimeout(connect, backoffDelay(attempt++, initialMs, maxMs));
    };
  }

  async function invoke<N extends RequestName>(name: N, args: RequestArgs<N>): Promise<RequestResult<N>> {
    let res: Response;
    try {
      res = await doFetch(new URL(`/api/rpc/${encodeURIComponent(name)}`, opts.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify(args ?? {}),
      });
    } catch {
      throw new ApiError('network', 'Voluntree’s engine is not answering. Check that it is still running, then try again.');
    }
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!res.ok) {
      if (res.status === 401) {
        cell.set('unauthorized');
        socket?.close();
      }
      throw errorFromBody(res.status, body);
    }
    return body as RequestResult<N>;
  }

  const api: VoluntreeApi = {
    invoke,
    on<E extends LiveEventName>(event: E, cb: (payload: LivePayload<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = cb as AnyListener;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
  };

  connect();

  return {
    api,
    connection: { get: cell.get, subscribe: cell.subscribe },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      socket?.close();
      socket = null;
    },
  };
}
