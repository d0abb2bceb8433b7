// Which web addresses may leave the app as links: the one rule for the window (links in
// comments and notes) and for the Electron shell (what it hands to the system browser).
// No zod and nothing of Node here, so both sides import it as it is.

/**
 * The address as a plain http(s) URL, or null when it must not become a link or be opened:
 * javascript:, data:, file: and other schemes, relative paths (they would move the app window),
 * embedded credentials (`https://user:pw@host` hides where it goes), and no host.
 */
export function externalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password || !url.hostname) return null;
  return url.toString();
}
