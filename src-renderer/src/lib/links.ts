/**
 * Only ordinary web addresses may become links. Anything else (javascript:, data:, file:,
 * relative paths that would move the app window) stays plain text.
 */
export function safeExternalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  return url.toString();
}

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Splits user text into plain runs and http(s) links; trailing punctuation stays text. */
export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    let raw = m[0];
    const trail = /[.,;:!?)\]]+$/.exec(raw);
    if (trail) raw = raw.slice(0, -trail[0].length);
    const start = m.index ?? 0;
    const href = safeExternalUrl(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
