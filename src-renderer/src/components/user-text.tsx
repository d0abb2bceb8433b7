import { Fragment, type ReactNode } from 'react';
import { splitIsolates } from '../lib/bidi';
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
 * addresses become external links, and nothing else is interpreted. It is a `<bdi>`: its
 * direction is its own (an Arabic name reads right to left) and cannot spill into the words
 * around it (an unclosed RIGHT-TO-LEFT OVERRIDE in a name stops at its end).
 */
export function UserText(props: { text: string | null | undefined; className?: string }) {
  const text = props.text ?? '';
  return (
    <bdi className={`user-text ${props.className ?? ''}`}>
      {splitLinks(text).map((part, i) =>
        part.kind === 'text' ? (
          <span key={i}>{part.text}</span>
        ) : (
          <ExternalLink key={i} href={part.href}>
            {part.text}
          </ExternalLink>
        ),
      )}
    </bdi>
  );
}

/**
 * A sentence the engine wrote around other people's text (the feed's "Maria Lopez signed up for
 * …", a notice): each part it marked with FSI … PDI is shown in a `<bdi>`, the rest as it is.
 */
export function SentenceText(props: { text: string }) {
  return (
    <>
      {splitIsolates(props.text).map((part, i) => (part.kind === 'isolated' ? <bdi key={i}>{part.text}</bdi> : <Fragment key={i}>{part.text}</Fragment>))}
    </>
  );
}
