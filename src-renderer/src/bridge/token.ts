const STORAGE_KEY = 'voluntree.token';

/** Splits `#token=abc&x=1` into the token and whatever else the fragment held. */
export function parseFragment(hash: string): { token: string | null; rest: string } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!raw.startsWith('token=') && !raw.includes('&token=')) return { token: null, rest: raw };
  const params = new URLSearchParams(raw);
  const token = params.get('token');
  params.delete('token');
  return { token: token && token.length > 0 ? token : null, rest: params.toString() };
}

interface TokenEnv {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The token `voluntree serve` prints arrives in the address's fragment (never sent to a
 * server, never in logs). Keep it for this tab only and take it out of the address bar so it
 * is not bookmarked, shared in a screenshot or left in history.
 */
export function takeToken(env: TokenEnv): string | null {
  const { token, rest } = parseFragment(env.location.hash);
  if (token) {
    env.storage.setItem(STORAGE_KEY, token);
    env.history.replaceState(null, '', `${env.location.pathname}${env.location.search}${rest ? `#${rest}` : ''}`);
    return token;
  }
  return env.storage.getItem(STORAGE_KEY);
}
