import type { ConnectionState } from '../bridge';
import { Dot } from '../components/feedback';
import { href } from '../lib/router';
import { tunnelLook } from '../lib/tunnel-look';
import { useSystem } from '../stores/stores';

const LIVE_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  unauthorized: 'Signed out',
};

/** Always visible: is everything the pipeline needs up, and is this window receiving live updates? */
export function StatusBar() {
  const health = useSystem((s) => s.health);
  const healthError = useSystem((s) => s.healthError);
  const connection = useSystem((s) => s.connection);
  const fb = health?.facebook;
  const tunnel = fb?.tunnelUrl;
  return (
    <footer className="status-bar" aria-label="System status" data-testid="status-strip">
      <span className="status-item" data-testid="status-facebook">
        <Dot state={!fb ? 'off' : fb.mode === 'live' ? 'ok' : 'warn'} />
        Facebook <strong>{!fb ? '…' : fb.mode === 'live' ? 'connected' : 'demo mode'}</strong>
      </span>
      <span className="status-item" data-testid="status-tunnel">
        <Dot state={!fb ? 'off' : tunnelLook(fb).dot} />
        Tunnel{' '}
        <strong title={fb?.tunnelProblem ?? undefined}>
          {!fb ? '…' : tunnel ? (fb.tunnelHealthy ? tunnel : `${tunnel} (not answering)`) : tunnelLook(fb).label.toLowerCase()}
        </strong>
      </span>
      <span className="status-item" data-testid="status-redis">
        <Dot state={!health ? (healthError ? 'bad' : 'off') : health.redis.up ? 'ok' : 'bad'} />
        Redis <strong>{!health ? (healthError ? 'unknown' : '…') : health.redis.up ? 'up' : 'down'}</strong>
      </span>
      <span className="status-item" data-testid="status-model">
        <Dot state={health?.model.version ? 'ok' : 'off'} />
        Model <strong>{health?.model.version ?? 'not loaded'}</strong>
      </span>
      <span className="spacer" />
      {health && health.problems.length > 0 && (
        <a className="status-item" href={href('settings')}>
          <Dot state="warn" />
          {health.problems.length === 1 ? '1 problem' : `${health.problems.length} problems`}
        </a>
      )}
      <span className="status-item" data-testid="status-live" aria-live="polite">
        <Dot state={connection === 'open' ? 'ok' : connection === 'reconnecting' || connection === 'unauthorized' ? 'bad' : 'warn'} />
        {LIVE_TEXT[connection]}
      </span>
    </footer>
  );
}
