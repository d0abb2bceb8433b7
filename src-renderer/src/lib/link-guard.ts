import { safeExternalUrl } from './links';

/**
 * Last line of defence: no click may move the app window away from the app. In-app routes are
 * `#/...`; every other link must be an http(s) address, and it is opened in a new window (the
 * Electron shell turns that into the system browser) with no opener and no referrer.
 */
export function installLinkGuard(doc: Document): () => void {
  const onClick = (ev: MouseEvent) => {
    const target = ev.target instanceof Element ? ev.target.closest('a') : null;
    if (!target) return;
    const raw = target.getAttribute('href');
    if (raw === null || raw.startsWith('#')) return;
    ev.preventDefault();
    const safe = safeExternalUrl(target.href);
    if (safe) doc.defaultView?.open(safe, '_blank', 'noopener,noreferrer');
  };
  const onAuxClick = (ev: MouseEvent) => {
    const target = ev.target instanceof Element ? ev.target.closest('a') : null;
    const raw = target?.getAttribute('href');
    if (target && raw && !raw.startsWith('#') && !safeExternalUrl(target.href)) ev.preventDefault();
  };
  doc.addEventListener('click', onClick, true);
  doc.addEventListener('auxclick', onAuxClick, true);
  return () => {
    doc.removeEventListener('click', onClick, true);
    doc.removeEventListener('auxclick', onAuxClick, true);
  };
}
