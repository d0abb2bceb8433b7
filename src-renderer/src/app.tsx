import { useEffect } from 'react';
import { href, SCREENS, useRoute } from './lib/router';
import { BroadcastsScreen } from './screens/broadcasts/broadcasts-screen';
import { EventsScreen } from './screens/events/events-screen';
import { InboxScreen } from './screens/inbox/inbox-screen';
import { MetricsScreen } from './screens/metrics/metrics-screen';
import { SettingsScreen } from './screens/settings/settings-screen';
import { TodayScreen } from './screens/today/today-screen';
import { VolunteersScreen } from './screens/volunteers/volunteers-screen';
import { Sidebar } from './shell/sidebar';
import { StatusBar } from './shell/status-bar';
import { Toasts } from './shell/toasts';
import { useInbox, useReview, useSystem } from './stores/stores';

function Screen() {
  const route = useRoute();
  switch (route.screen) {
    case 'today':
      return <TodayScreen />;
    case 'settings':
      return <SettingsScreen tab={route.params[0]} />;
    case 'events':
      return <EventsScreen params={route.params} />;
    case 'volunteers':
      return <VolunteersScreen params={route.params} />;
    case 'broadcasts':
      return <BroadcastsScreen params={route.params} />;
    case 'inbox':
      return <InboxScreen />;
    case 'metrics':
      return <MetricsScreen />;
  }
}

/** Alt+1…7 jumps to a screen, as in most desktop apps with a sidebar. */
function useScreenShortcuts() {
  useEffect(() => {
    const onKey = (ev: KeyboardEvent) => {
      if (!ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const i = Number(ev.key) - 1;
      const screen = SCREENS[i];
      if (screen) {
        ev.preventDefault();
        window.location.hash = href(screen);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export function App() {
  const route = useRoute();
  const connection = useSystem((s) => s.connection);
  const openQuestions = useInbox((s) => s.items.length);
  const toReview = useReview((s) => s.items.length);
  useScreenShortcuts();
  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [route.screen]);
  if (connection === 'unauthorized') return <SignedOut />;
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <Sidebar current={route.screen} counts={{ inbox: openQuestions, today: toReview }} />
      <main id="main" className="main" tabIndex={-1}>
        {connection === 'reconnecting' && (
          <div className="banner" role="status">
            <strong>Reconnecting…</strong> Live updates are paused; what you see may be a little out of date. Nothing is lost.
          </div>
        )}
        <Screen />
      </main>
      <StatusBar />
      <Toasts />
    </div>
  );
}

/** Browser mode without a valid token: say where the right address comes from. */
export function SignedOut() {
  return (
    <div className="page placeholder-screen">
      <h1>Open Voluntree from its address</h1>
      <p className="muted">
        This page needs the private address that <span className="mono">voluntree serve</span> printed when it started (it ends in{' '}
        <span className="mono">#token=…</span>). Open that address in this browser. If it was a while ago, restart Voluntree to get a new one.
      </p>
    </div>
  );
}
