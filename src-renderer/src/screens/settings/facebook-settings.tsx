import type { RequestArgs } from '@contract';
import type { ConnectResult, FacebookStatus } from '@contract/facebook';
import type { HealthReport, Settings } from '@contract/system';
import { PUBLIC_TUNNEL_HOST, tunnelHostProblem } from '@contract/tunnel-host';
import { useEffect, useState, type ReactNode } from 'react';
import { Card } from '../../components/card';
import { ErrorAlert, Notice, ProgressBar } from '../../components/feedback';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores, useSystem } from '../../stores/stores';

type StepState = 'done' | 'todo' | 'failed';

const STEP_NAMES: Record<ConnectResult['steps'][number]['step'], string> = {
  page_token: 'Page token',
  subscription: 'Page subscribed to comments',
  tunnel: 'Tunnel',
  webhook: 'Webhook verified by Meta',
};

function Step(props: { n: number; title: string; state: StepState; check: string; children: ReactNode }) {
  return (
    <li className={`step ${props.state === 'done' ? 'done' : props.state === 'failed' ? 'failed' : ''}`} data-step={props.n}>
      <span className="step-mark" aria-hidden="true">
        {props.state === 'done' ? '✓' : props.state === 'failed' ? '!' : props.n}
      </span>
      <div className="step-body">
        <h3>
          {props.n}. {props.title}
        </h3>
        {props.children}
      </div>
      <span className={`badge ${props.state === 'done' ? 'ok' : props.state === 'failed' ? 'bad' : ''}`} role="status">
        {props.check}
      </span>
    </li>
  );
}

/** One secret or value per step, saved on its own so the coordinator sees each piece work. */
function StepForm(props: {
  label: string;
  hint: ReactNode;
  secret?: boolean;
  placeholder?: string;
  initial?: string;
  validate?: (v: string) => string | null;
  toPatch: (v: string) => RequestArgs<'settings.set'>;
}) {
  const { system } = useStores();
  const [value, setValue] = useState(props.initial ?? '');
  const problem = value ? (props.validate?.(value) ?? null) : null;
  const save = useAction(async () => {
    const s = await system.getState().saveSettings(props.toPatch(value.trim()));
    if (props.secret) setValue('');
    await system.getState().loadHealth();
    return s;
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim() && !problem) void save.run();
      }}
    >
      <div className="row">
        <div className="grow">
          <Field label={props.label} hint={props.hint} error={problem}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className="input"
                type={props.secret ? 'password' : 'text'}
                autoComplete="off"
                placeholder={props.placeholder}
                value={value}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                onChange={(e) => {
                  setValue(e.target.value);
                  save.reset();
                }}
              />
            )}
          </Field>
        </div>
        <button type="submit" className="btn" disabled={!value.trim() || Boolean(problem) || save.pending}>
          {save.pending ? 'Checking…' : 'Save and check'}
        </button>
      </div>
      {save.error && <ErrorAlert error={save.error} />}
    </form>
  );
}

/** Removes a saved secret, e.g. the Page token to disconnect the Page and go back to demo mode. */
function ClearSecret(props: { label: string; patch: RequestArgs<'settings.set'> }) {
  const { system } = useStores();
  const clear = useAction(async () => {
    const s = await system.getState().saveSettings(props.patch);
    await system.getState().loadHealth();
    return s;
  });
  return (
    <div className="stack">
      <div className="row">
        <button type="button" className="btn" onClick={() => void clear.run()} disabled={clear.pending}>
          {clear.pending ? 'Removing…' : props.label}
        </button>
      </div>
      {clear.error && <ErrorAlert error={clear.error} />}
    </div>
  );
}

function tunnelState(health: HealthReport | null, settings: Settings): StepState {
  if (settings.tunnel === 'off') return 'todo';
  if (!health?.facebook.tunnelUrl) return 'todo';
  return health.facebook.tunnelHealthy ? 'done' : 'failed';
}

/**
 * Connecting a Page is four pieces from Meta plus a public address for the webhook. Each step
 * shows whether its piece is in place, so the coordinator knows exactly where they are.
 */
export function FacebookSettings(props: { settings: Settings }) {
  const s = props.settings;
  const health = useSystem((st) => st.health);
  const { system } = useStores();
  const { bridge } = useStores();
  const [status, setStatus] = useState<FacebookStatus | null>(null);
  const [result, setResult] = useState<ConnectResult | null>(null);
  useEffect(() => {
    bridge.api
      .invoke('facebook.status', {})
      .then(setStatus)
      .catch(() => undefined);
  }, [bridge, s]);
  const recheck = useAction(async () => {
    setResult(await bridge.api.invoke('facebook.connect', {}));
    await Promise.all([system.getState().loadSettings(), system.getState().loadHealth()]);
  });
  const tunnel = tunnelState(health, s);
  const live = health?.facebook.mode === 'live' || s.pageConnected;

  return (
    <div className="stack">
      {s.demoMode && (
        <Notice kind="info" title="You are in demo mode">
          Until a Page is connected, a built-in Facebook simulator plays your Page and its commenters, so you can try everything safely.
        </Notice>
      )}
      <Card
        title="Connect your Facebook Page"
        hint="Follow the steps in order. Each one is checked as soon as you save it."
        actions={
          <button type="button" className="btn primary" onClick={() => void recheck.run()} disabled={recheck.pending}>
            {recheck.pending ? 'Checking…' : 'Check the connection'}
          </button>
        }
        flush
      >
        <ol className="steps">
          <Step n={1} title="Your Meta app’s secret and ID" state={s.secrets.appSecret ? 'done' : 'todo'} check={s.secrets.appSecret ? 'Saved' : 'Needed'}>
            <p className="muted">
              In Meta for Developers, open your app, then App settings → Basic, and copy the App secret. It lets Voluntree check that comments really come from
              Facebook.
            </p>
            <StepForm label="App secret" secret hint={s.secrets.appSecret ? 'A secret is saved. Paste a new one to replace it.' : 'Stored encrypted on this computer.'} toPatch={(v) => ({ appSecret: v })} />
            <StepForm
              label="App ID"
              initial={s.appId ?? ''}
              placeholder="e.g. 1234567890123456"
              hint="On the same page, above the secret. With both, Voluntree tells Facebook the new webhook address itself whenever the tunnel address changes."
              validate={(v) => (/^\d+$/.test(v.trim()) ? null : 'An App ID is made of digits only.')}
              toPatch={(v) => ({ appId: v })}
            />
          </Step>
          <Step n={2} title="Your Page’s ID" state={s.pageId ? 'done' : 'todo'} check={s.pageId ? 'Saved' : 'Needed'}>
            <p className="muted">On your Page, open About → Page transparency; the Page ID is a long number.</p>
            <StepForm
              label="Page ID"
              initial={s.pageId ?? ''}
              placeholder="e.g. 104857600123456"
              hint="Digits only."
              validate={(v) => (/^\d+$/.test(v.trim()) ? null : 'A Page ID is made of digits only.')}
              toPatch={(v) => ({ pageId: v })}
            />
          </Step>
          <Step n={3} title="A Page access token" state={s.secrets.pageToken ? 'done' : 'todo'} check={s.secrets.pageToken ? 'Saved' : 'Needed'}>
            <p className="muted">In the Graph API Explorer, choose your Page, grant pages_manage_posts, pages_read_engagement, pages_messaging, then copy the token.</p>
            <StepForm label="Page access token" secret hint={s.secrets.pageToken ? 'A token is saved. Paste a new one to replace it.' : 'Stored encrypted; never shown again.'} toPatch={(v) => ({ pageToken: v })} />
            {s.secrets.pageToken && <ClearSecret label="Disconnect the Page (remove the token)" patch={{ pageToken: null }} />}
          </Step>
          <Step
            n={4}
            title="A public address for comments"
            state={tunnel}
            check={tunnel === 'done' ? 'Reachable' : tunnel === 'failed' ? 'Not answering' : s.tunnel === 'off' ? 'Off' : 'Waiting'}
          >
            <p className="muted">
              Facebook sends new comments to Voluntree through a tunnel. Use <span className="mono">localtunnel</span> (automatic), or paste a fixed public address
              if your organisation has one.
            </p>
            {(status?.tunnel.callbackUrl ?? health?.facebook.tunnelUrl) && (
              <dl className="kv">
                <dt>Callback URL</dt>
                <dd className="mono">{status?.tunnel.callbackUrl ?? `${health?.facebook.tunnelUrl}/webhooks/facebook`}</dd>
                {status && (
                  <>
                    <dt>Verify token</dt>
                    <dd className="mono">{status.verifyToken}</dd>
                  </>
                )}
              </dl>
            )}
            {status?.tunnel.lastError && <p className="muted">{status.tunnel.lastError}</p>}
            {tunnel === 'failed' && (
              <p className="muted">The tunnel address does not answer. Check this computer’s internet connection; Voluntree retries by itself.</p>
            )}
            <StepForm
              label="Tunnel"
              initial={s.tunnel}
              hint="localtunnel, off, or an https:// address"
              validate={(v) => (v === 'localtunnel' || v === 'off' || /^https:\/\/\S+$/.test(v) ? null : 'Use localtunnel, off, or an address starting with https://')}
              toPatch={(v) => ({ tunnel: v })}
            />
            {s.tunnel === 'localtunnel' && (
              <StepForm
                label="Tunnel server"
                initial={s.tunnelHost}
                placeholder={PUBLIC_TUNNEL_HOST}
                hint={`The localtunnel server to use. Leave ${PUBLIC_TUNNEL_HOST} unless your organisation runs its own; the README explains how.`}
                validate={tunnelHostProblem}
                toPatch={(v) => ({ tunnelHost: v })}
              />
            )}
          </Step>
          <Step n={5} title="Page connected" state={live ? 'done' : 'todo'} check={live ? 'Connected' : 'Not yet'}>
            <p className="muted">
              {live
                ? 'Voluntree publishes to your Page and receives its comments.'
                : 'When the steps above are done, Voluntree subscribes your Page to its webhook and leaves demo mode.'}
            </p>
            <StepForm
              label="Graph API version"
              initial={s.graphVersion}
              hint="Leave as is unless Meta retires it."
              validate={(v) => (/^v\d+\.\d+$/.test(v) ? null : 'A version looks like v25.0')}
              toPatch={(v) => ({ graphVersion: v })}
            />
          </Step>
        </ol>
      </Card>
      {recheck.pending && <ProgressBar label="Checking the connection with Facebook" />}
      {result && (
        <Card title={result.ok ? 'Everything works' : 'Not connected yet'} hint={result.ok ? 'Your Page is connected.' : 'Fix the first step marked below, then check again.'}>
          <ul className="list" data-testid="connect-result">
            {result.steps.map((st) => (
              <li key={st.step} className="list-item-head">
                <span>
                  <strong>{STEP_NAMES[st.step]}</strong> — {st.message}
                </span>
                <span className={`badge ${st.ok ? 'ok' : 'bad'}`}>{st.ok ? 'OK' : 'Needs attention'}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      {recheck.error && <ErrorAlert error={recheck.error} />}
    </div>
  );
}
