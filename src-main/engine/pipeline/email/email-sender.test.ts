import { afterEach, describe, expect, it } from 'vitest';
import { startSmtp } from '../testing/smtp';
import { createEmailSender, EmailNotConfiguredError, settingsFingerprint, type EmailSettings } from './email-sender';

describe('email sender', () => {
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('uses a new password of the same length at once, without a restart', async () => {
    const smtp = await startSmtp({ user: 'coordinator', pass: 'right-pass' });
    closers.push(smtp.close);
    let settings: EmailSettings = { host: '127.0.0.1', port: smtp.port, from: 'team@example.org', user: 'coordinator' };
    let password = 'wrong-pass';
    const sender = createEmailSender(() => settings, () => password);
    closers.push(() => sender.close());

    await expect(sender.send('maria@example.org', 'Hello', 'First try')).rejects.toThrow(/Invalid username or password|auth/i);
    password = 'right-pass';
    await sender.send('maria@example.org', 'Hello', 'Second try');
    expect(smtp.mails.map((m) => m.to)).toEqual([['maria@example.org']]);

    // Another setting changes (the sender address): the new one is used.
    settings = { ...settings, from: 'events@example.org' };
    await sender.send('maria@example.org', 'Hello', 'Third try');
    expect(smtp.mails.at(-1)!.from).toBe('events@example.org');
  });

  it('tells the coordinator what to fill in when SMTP is not set up', async () => {
    const sender = createEmailSender(() => ({ host: null, port: null, from: null, user: null }), () => null);
    expect(sender.configured()).toBe(false);
    await expect(sender.send('a@example.org', 's', 't')).rejects.toBeInstanceOf(EmailNotConfiguredError);
  });

  it('fingerprints every setting without containing the password', () => {
    const s: EmailSettings = { host: 'smtp.example.org', port: 587, from: 'a@example.org', user: 'u' };
    const a = settingsFingerprint(s, 'secret-one');
    expect(settingsFingerprint(s, 'secret-two')).not.toBe(a);
    expect(settingsFingerprint({ ...s, port: 465 }, 'secret-one')).not.toBe(a);
    expect(settingsFingerprint(s, 'secret-one')).toBe(a);
    expect(a).not.toContain('secret');
  });
});
