import type { ReactNode } from 'react';
import { safeExternalUrl, splitLinks } from '../lib/links';

/**
 * A link that leaves the app: it opens in the system browser (Electron denies the new window
 * and hands the address over) or a new tab (browser mode), never in the app window, and only
 * for http(s) addresses. Anything else is shown as text.
 */
export function ExternalLink(props: { href: string; children: ReactNode }) {
  const safe = safeExternalUrl(props.href);
  if (!safe) return <span>{props.children}</span>;
  return (
    <a href={safe} target="_blank" rel="noopener noreferrer" data-external="true">
      {props.children}
    </a>
  );
}

/**
 * Text someone else wrote (comments, notes, names). Rendered as text nodes only; web
 * addresses become external links, and nothing else is interpreted.
 */
export function UserText(props: { text: string | null | undefined; className?: string }) {
  const text = props.text ?? '';
  return (
    <span className={`user-text ${props.className ?? ''}`}>
      {splitLinks(text).map((part, i) =>
        part.kind === 'text' ? (
          <span key={i}>{part.text}</span>
        ) : (
          <ExternalLink key={i} href={part.href}>
            {part.text}
          </ExternalLink>
        ),
      )}
    </span>
  );
}
