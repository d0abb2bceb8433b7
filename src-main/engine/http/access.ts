import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RpcErrorBody } from '../../contract';

/**
 * Who may call a route on the local server:
 * - `none`: anyone who reaches it by a loopback address (`/healthz`, the built UI);
 * - `token`: the Voluntree token is required (`Authorization: Bearer`, or `?token=` where the
 *   route allows it, for the browser's WebSocket which cannot set headers);
 * - `signature`: the route checks a signature over the body itself (the Meta webhook), and is
 *   also reachable through a reverse proxy whose Host header is a public name.
 *
 * Each route declares it in its `config`; a matched route that declares nothing is refused, so a
 * route added later without thinking about access fails closed.
 */
export type RouteAuth = 'none' | 'token' | 'signature';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    /** Accept the token as `?token=` too (the live WebSocket only). */
    tokenInQuery?: boolean;
  }
}

const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * True when a Host header names this computer by a loopback name or address, with the port the
 * server listens on. Anything else is refused: a web page that rebinds its own DNS name to
 * 127.0.0.1 sends its own name here, and must not reach the API or read `/healthz`.
 */
export function isLocalHost(header: string | undefined, port: number): boolean {
  if (!header) return false;
  const m = /^(\[::1\]|[a-z0-9.]+)(?::(\d{1,5}))?$/i.exec(header);
  if (!m) return false;
  const name = m[1]!.toLowerCase();
  const given = m[2] === undefined ? 80 : Number(m[2]);
  if (given !== port) return false;
  if (name === 'localhost' || name === '[::1]') return true;
  const v4 = IPV4_LOOPBACK.exec(name);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * True when a request may come from the page it names in `Origin`: no Origin at all (a program
 * such as the CLI, a script or a test: browsers always send one on a WebSocket and on a POST),
 * or this server's own address as a loopback name with its port, which is where the browser UI
 * is loaded from. Anything else is a page from elsewhere, including `null` (a local file, a
 * sandboxed frame). The desktop window does not come here: it talks to the engine over IPC.
 * A WebSocket is not bound by CORS, so without this a page on any site that learned the token
 * could open `/api/live` from the coordinator's own browser.
 */
export function isOwnOrigin(header: string | undefined, port: number): boolean {
  if (header === undefined) return true;
  const m = /^http:\/\/([^/]+)$/i.exec(header);
  return m !== null && isLocalHost(m[1], port);
}

/** True for `application/json`, with or without parameters such as `; charset=utf-8`. */
export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

function body(code: RpcErrorBody['error']['code'], message: string): RpcErrorBody {
  return { error: { code, message } };
}

/**
 * Route-level `onRequest` hook for routes that take a JSON body. Requiring the JSON type means a
 * web page cannot send to them with a "simple" cross-site request (form or text/plain): the
 * browser must ask first, and this server never grants cross-origin access.
 */
export async function requireJsonBody(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (isJsonContentType(req.headers['content-type'])) return;
  await reply.code(415).send(body('bad_arguments', 'Send the body as JSON with the header Content-Type: application/json.'));
}
