import type { RpcErrorCode } from '@contract';

/** Why a request failed, in a form every screen can show. `network` means the engine was not reached. */
export type ApiErrorCode = RpcErrorCode | 'network';

/**
 * A failed request. `message` comes from the engine and is written for the coordinator
 * (what happened, what to do next); transport failures get a message of the same kind.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const RPC_CODES: readonly string[] = [
  'bad_arguments',
  'unknown_method',
  'unauthorized',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
];

function isRpcCode(code: unknown): code is RpcErrorCode {
  return typeof code === 'string' && RPC_CODES.includes(code);
}

// Electron's ipcRenderer.invoke rewrites a thrown error as
// "Error invoking remote method 'x': RpcError: message"; keep only what the coordinator needs.
const IPC_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;

/** Turns anything thrown by a transport into an ApiError. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (typeof err === 'object' && err !== null) {
    const { code, message, details } = err as { code?: unknown; message?: unknown; details?: unknown };
    const text = typeof message === 'string' ? message.replace(IPC_PREFIX, '') : 'Something went wrong.';
    return new ApiError(isRpcCode(code) ? code : 'internal', text, details);
  }
  return new ApiError('internal', typeof err === 'string' ? err : 'Something went wrong.');
}

/** Reads the `{ error: { code, message } }` body the engine sends with a 4xx/5xx status. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.message === 'string') {
    return new ApiError(isRpcCode(error.code) ? error.code : 'internal', error.message, error.details);
  }
  if (status === 401) return new ApiError('unauthorized', 'This page is not signed in. Open the address that `voluntree serve` printed.');
  if (status === 404) return new ApiError('unknown_method', 'The engine does not know this request. Update Voluntree and reload.');
  return new ApiError('internal', `The engine answered with an error (HTTP ${status}). Try again; if it keeps failing, restart Voluntree.`);
}
