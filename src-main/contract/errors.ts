/** Error codes a caller can act on. HTTP status follows the code (see rpc status map). */
export type RpcErrorCode =
  | 'bad_arguments'
  | 'unknown_method'
  | 'unauthorized'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'internal';

export interface RpcErrorBody {
  error: { code: RpcErrorCode; message: string; details?: unknown };
}

export const RPC_STATUS: Record<RpcErrorCode, number> = {
  bad_arguments: 400,
  unknown_method: 404,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/**
 * An error meant for the coordinator: its message says what happened and what to do next.
 * Handlers throw it; the RPC layer turns it into `{ error: { code, message } }`.
 */
export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
