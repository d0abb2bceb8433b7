import { href, type ScreenName } from '../lib/router';
import { useSystem } from '../stores/stores';

const NAV: { screen: ScreenName; label: string; icon: string }[] = [
  { screen: 'today', label: 'Today', icon: '◉' },
  { screen: 'events', label: 'Events', icon: '▦' },
  { screen: 'volunteers', label: 'Volunteers', icon: '☺' },
  { screen: 'broadcasts', label: 'Broadcasts', icon: '✉' },
  { screen: 'inbox', label: 'Inbox', icon: '?' },
  { screen: 'metrics', label: 'Metrics', icon: '∿' },
  { screen: 'settings', label: 'Settings', icon: '⚙' },
];

export function Sidebar(props: { current: ScreenName; counts?: Partial<Record<ScreenName, number>> }) {
  const org = useSystem((s) => s.settings?.organisationName);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <div className="brand-mark" aria-hidden="true">
          V
        </div>
        <div>
          <div className="brand-name">Voluntree</div>
          {org && (
            <div className="brand-org" title={org}>
              {org}
            </div>
          )}
        </div>
      </div>
      <div className="nav">
        {NAV.map((item) => {
          const count = props.counts?.[item.screen] ?? 0;
          return (
            <a key={item.screen} href={href(item.screen)} aria-current={props.current === item.screen ? 'page' : undefined}>
              <span className="nav-icon" aria-hidden="true">
                {item.icon}
              </span>
              {item.label}
              {count > 0 && (
                <span className="nav-count" aria-label={`${count} waiting`}>
                  {count}
                </span>
              )}
            </a>
          );
        })}
      </div>
      <div className="sidebar-foot">Alt+1…7 to switch screens</div>
    </nav>
  );
}
