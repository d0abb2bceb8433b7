import { describe, expect, it } from 'vitest';
import { parseFragment, takeToken } from './token';

function env(hash: string, stored: string | null = null) {
  const store = new Map<string, string>(stored ? [['voluntree.token', stored]] : []);
  const replaced: string[] = [];
  return {
    replaced,
    store,
    env: {
      location: { hash, pathname: '/', search: '' },
      history: { replaceState: (_d: unknown, _u: string, url: string) => void replaced.push(url) },
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    },
  };
}

describe('token from the address', () => {
  it('takes the token from the fragment, keeps it for the tab and clears it from the address bar', () => {
    const e = env('#token=s3cr3t');
    expect(takeToken(e.env)).toBe('s3cr3t');
    expect(e.store.get('voluntree.token')).toBe('s3cr3t');
    expect(e.replaced).toEqual(['/']);
  });

  it('keeps other fragment parts', () => {
    expect(parseFragment('#token=a&tab=x')).toEqual({ token: 'a', rest: 'tab=x' });
    const e = env('#token=a&tab=x');
    takeToken(e.env);
    expect(e.replaced).toEqual(['/#tab=x']);
  });

  it('falls back to the token kept earlier in this tab, without touching the address', () => {
    const e = env('#/events', 'kept');
    expect(takeToken(e.env)).toBe('kept');
    expect(e.replaced).toEqual([]);
  });

  it('has no token when neither the address nor the tab holds one', () => {
    expect(takeToken(env('').env)).toBeNull();
    expect(takeToken(env('#token=').env)).toBeNull();
  });

  it('does not mistake a route for a token', () => {
    expect(parseFragment('#/volunteers/token=x').token).toBeNull();
  });
});
