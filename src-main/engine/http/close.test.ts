import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { closeServer } from './close';

describe('closeServer', () => {
  it('lets a request under way finish, then stops even though its keep-alive connection stays open', async () => {
    // Like the tunnel's webhook server: keep-alive for ten minutes. A plain close() waits for
    // that connection to time out; closeServer must not.
    const app = Fastify({ keepAliveTimeout: 600_000, requestTimeout: 0, connectionTimeout: 0, return503OnClosing: true });
    let release!: () => void;
    const started = new Promise<void>((resolve) => {
      app.post('/slow', async () => {
        resolve();
        await new Promise<void>((r) => (release = r));
        return { ok: true };
      });
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const port = addr && typeof addr === 'object' ? addr.port : 0;
    const answer = fetch(`http://127.0.0.1:${port}/slow`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.json());
    await started;
    const closed = closeServer(app, 100);
    release();
    expect(await answer).toEqual({ ok: true });
    await closed;
    expect(app.server.listening).toBe(false);
  });
});
