import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with the path and headers exactly as given. `fetch` normalises paths
 * (`/a/../b`, `//x`) and always sets Host, so probing how the server reads a request needs this.
 * A `host` of null sends no Host header at all.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; host?: string | null; body?: string | Buffer },
): Promise<RawResponse> {
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.host !== null) headers.host = opts.host ?? base.host;
    if (opts.body !== undefined) headers['content-length'] = Buffer.byteLength(opts.body);
    const req = http.request(
      { hostname: base.hostname, port: base.port, method: opts.method ?? 'GET', path: opts.path, headers, setHost: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    // A WebSocket upgrade the server accepts never gets a 'response'.
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, headers: res.headers, body: '' });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
