// The tunnel server setting's rule, in a file of its own without zod: the Settings screen
// imports it, and zod in the renderer would trip the window's CSP (zod tries `new Function`).

/** The public localtunnel server, used unless the nonprofit runs its own. */
export const PUBLIC_TUNNEL_HOST = 'https://localtunnel.me';

/**
 * Why a localtunnel server address cannot be used, or null when it can: https anywhere, plain
 * http only on this machine (a test or a server reached through an SSH forward), and only the
 * server's origin, since the client appends its own paths.
 */
export function tunnelHostProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `"${value}" is not a URL (e.g. https://tunnel.example.org)`;
  }
  if (u.username || u.password || u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) return `give only the server's address, like https://tunnel.example.org (got "${value}")`;
  if (u.protocol === 'https:') return null;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host))) return null;
  return `the tunnel server must be an https address (plain http only on 127.0.0.1); got "${value}"`;
}
