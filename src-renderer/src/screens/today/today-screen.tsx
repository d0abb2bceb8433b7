import { Card, PageHeader } from '../../components/card';
import { Dot, EmptyState, ErrorAlert } from '../../components/feedback';
import { href } from '../../lib/router';
import { tunnelLook } from '../../lib/tunnel-look';
import { FeedCard } from '../feed/feed-card';
import { NeedsReview } from '../events/needs-review';
import { useReview, useStores, useSystem } from '../../stores/stores';
import { EventFill, LiveSignups, Questions } from './today-panels';

function greeting(now: Date): string {
  const h = now.getHours();
  return h < 12 ? 'Good morning' : h < 18 ? 'Good afternoon' : 'Good evening';
}

/** What needs the coordinator now: system state first, then (as domains land) signups, events, questions, feed. */
export function TodayScreen() {
  const health = useSystem((s) => s.health);
  const healthError = useSystem((s) => s.healthError);
  const { system } = useStores();
  const reviewCount = useReview((s) => s.items.length);
  return (
    <div className="page">
      <PageHeader
        title={`${greeting(new Date())}`}
        description="New signups, comments to check, questions and how each event is filling up — live."
        actions={
          <a className="btn primary" href={href('events', 'new')}>
            New event
          </a>
        }
      />
      {healthError && !health && <ErrorAlert title="Voluntree’s engine did not answer" error={healthError} onRetry={() => void system.getState().loadHealth()} />}
      {health && health.problems.length > 0 && (
        <div className="alert warning" role="alert">
          <div className="stack tight">
            <div className="alert-title">Something needs your attention</div>
            <ul className="list">
              {health.problems.map((p) => (
                <li key={p} className="user-text">
                  {p}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {reviewCount > 0 && <NeedsReview limit={8} />}
      <div className="grid-3">
        <div className="stack">
          <LiveSignups />
          <FeedCard />
        </div>
        <div className="stack">
          <EventFill />
          <Questions />
        </div>
      </div>
      <Card title="System" hint="Everything Voluntree needs to take signups" labelledBy="today-system">
        {!health ? (
          <EmptyState title="Checking…" compact />
        ) : (
          <div className="stat-row" data-testid="today-system">
            <div className="stat">
              <div className="stat-label">Facebook</div>
              <div className="row">
                <Dot state={health.facebook.mode === 'live' ? 'ok' : 'warn'} />
                <strong>{health.facebook.mode === 'live' ? 'Page connected' : 'Demo mode'}</strong>
              </div>
              {health.facebook.mode !== 'live' && (
                <a className="small" href={href('settings', 'facebook')}>
                  Connect your Page
                </a>
              )}
            </div>
            <div className="stat">
              <div className="stat-label">Tunnel</div>
              <div className="row">
                <Dot state={tunnelLook(health.facebook).dot} />
                <strong>{tunnelLook(health.facebook).label}</strong>
              </div>
              {health.facebook.tunnelUrl && <div className="mono muted">{health.facebook.tunnelUrl}</div>}
              {!health.facebook.tunnelUrl && health.facebook.tunnelProblem && (
                <div className="small muted" data-testid="today-tunnel-problem">
                  {health.facebook.tunnelProblem}
                </div>
              )}
            </div>
            <div className="stat">
              <div className="stat-label">Redis</div>
              <div className="row" data-testid="today-redis">
                <Dot state={health.redis.up ? 'ok' : 'bad'} />
                <strong>{health.redis.up ? 'Up' : 'Down'}</strong>
              </div>
              <div className="small muted">
                {health.redis.mode === 'supervised' ? 'Started by Voluntree' : 'External server'}
                {health.redis.version ? ` · ${health.redis.version}` : ''}
              </div>
            </div>
            <div className="stat">
              <div className="stat-label">Intent model</div>
              <div className="row">
                <Dot state={health.model.version ? 'ok' : 'off'} />
                <strong>{health.model.version ?? 'Not loaded'}</strong>
              </div>
            </div>
          </div>
        )}
      </Card>
    </div>
  );
}

