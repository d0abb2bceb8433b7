/**
 * Calls the app's `/api/rpc/<method>` as the browser bridge does (JSON body, Bearer token) and
 * returns the result; a non-2xx answer throws with the method, the status and the engine's message.
 * `baseUrl` is read at each call, so a test can make the client before the app has printed its address.
 */
export function rpcClient(baseUrl: () => string, token: string) {
  return async <T = unknown>(method: string, args: unknown = {}): Promise<T> => {
    const res = await fetch(`${baseUrl()}/api/rpc/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(args),
    });
    const body = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new Error(`${method} failed (${res.status}): ${body.error?.message ?? JSON.stringify(body)}`);
    return body;
  };
}
