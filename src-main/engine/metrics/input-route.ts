import type { FastifyInstance, FastifyReply } from 'fastify';
import { RPC_STATUS, RpcError, type RpcErrorBody, type RpcErrorCode } from '../../contract/errors';
import { requireJsonBody } from '../http/access';

/** Largest body `POST /api/metrics/input` reads (about 500 values with long names). */
export const METRIC_INPUT_MAX_BODY_BYTES = 64 * 1024;

export type InputHandler = (values: unknown) => Promise<{ accepted: number }>;

function refuse(reply: FastifyReply, code: RpcErrorCode, message: string): FastifyReply {
  const body: RpcErrorBody = { error: { code, message } };
  return reply.code(RPC_STATUS[code]).send(body);
}

/**
 * `POST /api/metrics/input` with a JSON object of node → number. The body is parsed here (not
 * by fastify) so every refusal is the contract's `{ error: { code, message } }` with a message
 * the sender can act on. The route asks the server for the bearer token and takes only
 * `Content-Type: application/json` (see http/access.ts).
 */
export function registerMetricsInputRoute(app: FastifyInstance, handle: InputHandler): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: METRIC_INPUT_MAX_BODY_BYTES }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: { code?: string; message?: string }, _req, reply) => {
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        return refuse(reply, 'bad_arguments', `The body is larger than ${METRIC_INPUT_MAX_BODY_BYTES / 1024} KB; send fewer values per request.`);
      }
      return refuse(reply, 'internal', 'The metric input could not be handled; see the engine log.');
    });
    scope.post('/api/metrics/input', { config: { auth: 'token' }, onRequest: requireJsonBody }, async (req, reply) => {
      const text = typeof req.body === 'string' ? req.body : '';
      let values: unknown;
      try {
        values = JSON.parse(text);
      } catch {
        return refuse(reply, 'bad_arguments', 'The body is not JSON; send an object of node → number, e.g. {"event:42:signups": 12}.');
      }
      try {
        return await handle(values);
      } catch (err) {
        if (err instanceof RpcError) return refuse(reply, err.code, err.message);
        throw err;
      }
    });
  });
}
