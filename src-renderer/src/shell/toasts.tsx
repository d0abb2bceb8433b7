import { useEffect } from 'react';
import { SentenceText } from '../components/user-text';
import { useStores, useSystem } from '../stores/stores';

/** Notices from the engine and from finished work; info fades by itself, problems stay until read. */
export function Toasts() {
  const notices = useSystem((s) => s.notices);
  const { system } = useStores();
  useEffect(() => {
    const timers = notices
      .filter((n) => n.level === 'info')
      .map((n) => setTimeout(() => system.getState().dismissNotice(n.id), 6000));
    return () => timers.forEach(clearTimeout);
  }, [notices, system]);
  return (
    <div className="toasts" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`toast ${n.level}`} role={n.level === 'error' ? 'alert' : 'status'}>
          <div className="user-text">
            <SentenceText text={n.message} />
          </div>
          <button type="button" className="btn ghost small" onClick={() => system.getState().dismissNotice(n.id)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
