import type { Settings } from '@contract/system';
import { useState } from 'react';
import { Card } from '../../components/card';
import { Field } from '../../components/field';
import { useAction } from '../../lib/use-action';
import { useStores } from '../../stores/stores';
import { SaveRow } from './save-row';

/** SMTP for updates to volunteers Messenger cannot reach. The password is write-only. */
export function EmailSettings(props: { settings: Settings }) {
  const { system } = useStores();
  const e0 = props.settings.email;
  const [host, setHost] = useState(e0.host ?? '');
  const [port, setPort] = useState(e0.port ? String(e0.port) : '587');
  const [from, setFrom] = useState(e0.from ?? '');
  const [user, setUser] = useState(e0.user ?? '');
  const [password, setPassword] = useState('');
  const portN = Number(port);
  const portOk = port === '' || (Number.isInteger(portN) && portN >= 1 && portN <= 65535);
  const fromOk = from === '' || /^[^@\s]+@[^@\s]+$/.test(from.replace(/^.*<|>$/g, ''));
  const save = useAction(async () => {
    const saved = await system.getState().saveSettings({
      email: { host: host.trim() || null, port: port ? portN : null, from: from.trim() || null, user: user.trim() || null },
      ...(password ? { smtpPassword: password } : {}),
    });
    setPassword('');
    return saved;
  });
  return (
    <Card title="Email" hint="Used for event updates when Messenger cannot reach someone, and to confirm email addresses.">
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (portOk && fromOk) void save.run();
        }}
      >
        <div className="form-grid">
          <Field label="SMTP server" hint="For example smtp.yourprovider.org">
            {({ id, describedBy }) => <input id={id} className="input" value={host} aria-describedby={describedBy} onChange={(e) => setHost(e.target.value)} />}
          </Field>
          <Field label="Port" hint="Usually 587" error={portOk ? null : 'A port is a number from 1 to 65535.'}>
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" inputMode="numeric" value={port} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => setPort(e.target.value)} />
            )}
          </Field>
          <Field label="Send as" hint="The address volunteers see and can reply to" error={fromOk ? null : 'This does not look like an email address.'}>
            {({ id, describedBy, invalid }) => (
              <input id={id} className="input" type="email" value={from} aria-describedby={describedBy} aria-invalid={invalid} onChange={(e) => setFrom(e.target.value)} />
            )}
          </Field>
          <Field label="User name">
            {({ id }) => <input id={id} className="input" autoComplete="off" value={user} onChange={(e) => setUser(e.target.value)} />}
          </Field>
          <Field label="Password" hint={props.settings.secrets.smtpPassword ? 'A password is saved. Type a new one to replace it.' : 'Not set yet.'}>
            {({ id, describedBy }) => (
              <input id={id} className="input" type="password" autoComplete="new-password" value={password} aria-describedby={describedBy} onChange={(e) => setPassword(e.target.value)} />
            )}
          </Field>
        </div>
        <SaveRow {...save} disabled={!portOk || !fromOk} />
      </form>
    </Card>
  );
}
