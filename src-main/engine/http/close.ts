import type { FastifyInstance } from 'fastify';

/** How long requests under way get to finish when a server stops. */
export const CLOSE_GRACE_MS = 2_000;

/**
 * Stops a fastify server: no new connections, requests under way may finish, then every
 * connection is cut. Without the last step a keep-alive connection that was busy when the close
 * began stays open until its keep-alive timeout,
 * and `close()` waits for it: shutdown would hang.
 */
export async function closeServer(app: FastifyInstance, graceMs = CLOSE_GRACE_MS): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
  timer.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
