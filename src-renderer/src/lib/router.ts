import { useSyncExternalStore } from 'react';

/** The screens in the sidebar, in order. `metrics` is filled by the metrics screen when it lands. */
export const SCREENS = ['today', 'events', 'volunteers', 'broadcasts', 'inbox', 'metrics', 'settings'] as const;
export type ScreenName = (typeof SCREENS)[number];

export interface Route {
  screen: ScreenName;
  /** Path segments after the screen, e.g. an event or volunteer id. */
  params: string[];
}

/**
 * Hash routes (`#/events/ev_1`) work the same from Electron's file:// page and from `serve`,
 * and need no server-side fallback.
 */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, ...params] = parts;
  const screen = (SCREENS as readonly string[]).includes(first ?? '') ? (first as ScreenName) : 'today';
  return { screen, params: screen === first ? params : [] };
}

export function href(screen: ScreenName, ...params: string[]): string {
  return `#/${[screen, ...params].map(encodeURIComponent).join('/')}`;
}

export function navigate(screen: ScreenName, ...params: string[]): void {
  window.location.hash = href(screen, ...params);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
