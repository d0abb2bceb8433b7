import { useState } from 'react';
import { PageHeader } from '../../components/card';
import { EmptyState, ErrorAlert } from '../../components/feedback';
import { useStores, useSystem } from '../../stores/stores';
import { DataSettings, GeneralSettings } from './general-settings';
import { EmailSettings } from './email-settings';
import { FacebookSettings } from './facebook-settings';
import { ModelSettings } from './model-settings';
import { ReplySettings } from './reply-settings';
import { ReviewSettings } from './review-settings';

const TABS = [
  { id: 'facebook', label: 'Facebook Page' },
  { id: 'replies', label: 'Reply templates' },
  { id: 'email', label: 'Email' },
  { id: 'data', label: 'Data & backup' },
  { id: 'model', label: 'Model' },
  { id: 'general', label: 'Organisation' },
] as const;
type TabId = (typeof TABS)[number]['id'];

export function SettingsScreen(props: { tab?: string }) {
  const initial = TABS.some((t) => t.id === props.tab) ? (props.tab as TabId) : 'facebook';
  const [tab, setTab] = useState<TabId>(initial);
  const settings = useSystem((s) => s.settings);
  const settingsError = useSystem((s) => s.settingsError);
  const { system } = useStores();

  const onKey = (ev: React.KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = ev.key === 'ArrowRight' ? i + 1 : ev.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length];
    if (t) {
      setTab(t.id);
      document.getElementById(`settings-tab-${t.id}`)?.focus();
    }
  };

  return (
    <div className="page">
      <PageHeader title="Settings" description="Connect your Facebook Page, choose what Voluntree says, and keep your data safe." />
      {settingsError && !settings && <ErrorAlert title="Settings could not be loaded" error={settingsError} onRetry={() => void system.getState().loadSettings()} />}
      <div className="tabs" role="tablist" aria-label="Settings sections" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`settings-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls="settings-panel"
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="settings-panel" role="tabpanel" aria-labelledby={`settings-tab-${tab}`}>
        {!settings ? (
          !settingsError && <EmptyState title="Loading settings…" compact />
        ) : tab === 'facebook' ? (
          <FacebookSettings settings={settings} />
        ) : tab === 'replies' ? (
          <ReplySettings />
        ) : tab === 'email' ? (
          <EmailSettings settings={settings} />
        ) : tab === 'data' ? (
          <DataSettings settings={settings} />
        ) : tab === 'model' ? (
          <div className="stack">
            <ReviewSettings settings={settings} />
            <ModelSettings />
          </div>
        ) : (
          <GeneralSettings settings={settings} />
        )}
      </div>
    </div>
  );
}
