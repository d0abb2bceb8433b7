import { createRequire } from 'node:module';
import type { LookupAddress, LookupOptions } from 'node:dns';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * Makes `<anything>.localhost` resolve to 127.0.0.1 in this process, until the returned undo
 * is called. A localtunnel server hands out `http://<id>.<its host>` URLs and routes public
 * requests by that Host header; on loopback that host is `localhost`, and glibc here (no
 * nss-myhostname) does not resolve its subdomains, though browsers and systemd-resolved do
 * (RFC 6761). Node's `net` and `fetch` both look names up through `dns.lookup` at call time,
 * so replacing it on the module object is enough.
 */
export function resolveLocalhostSubdomains(): () => void {
  const dns = createRequire(import.meta.url)('node:dns') as { lookup: (...args: unknown[]) => void };
  const original = dns.lookup;
  dns.lookup = (host: unknown, options: unknown, callback?: unknown): void => {
    const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
    const opts = (typeof options === 'object' && options !== null ? options : {}) as LookupOptions;
    if (typeof host === 'string' && host.endsWith('.localhost')) {
      if (opts.all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
      else cb(null, '127.0.0.1', 4);
      return;
    }
    original(host, options, callback);
  };
  return () => {
    dns.lookup = original;
  };
}
