import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';

/** SMTP settings from the app's settings; the password comes from a getter so it is read only when needed and never logged. */
export interface EmailSettings {
  host: string | null;
  port: number | null;
  from: string | null;
  user: string | null;
}

export interface EmailSender {
  send(to: string, subject: string, text: string): Promise<void>;
  /** Whether SMTP is configured at all. */
  configured(): boolean;
  close(): void;
}

/** Thrown when email cannot be sent until the coordinator changes the settings. */
export class EmailNotConfiguredError extends Error {
  override name = 'EmailNotConfiguredError';
}

/** A SHA-256 digest of everything the SMTP transport is built from. */
export function settingsFingerprint(s: EmailSettings, password: string | null): string {
  return createHash('sha256').update(JSON.stringify([s.host, s.port, s.user, s.from, password])).digest('hex');
}

/**
 * nodemailer over SMTP. The transport is rebuilt when the settings change. STARTTLS is used when
 * the server offers it; port 465 means TLS from the start.
 */
export function createEmailSender(settings: () => EmailSettings | null, password: () => string | null): EmailSender {
  let transport: Transporter | null = null;
  let builtFor = '';
  const current = (): { t: Transporter; from: string } => {
    const s = settings();
    if (!s || !s.host || !s.port || !s.from) throw new EmailNotConfiguredError('Email is not set up: fill in the SMTP host, port and sender address in Settings.');
    const pass = password();
    // A digest, so the password itself is never kept beside the transport (nor logged); any
    // change to any setting, a same-length password included, builds a new transport.
    const signature = settingsFingerprint(s, pass);
    if (!transport || signature !== builtFor) {
      transport?.close();
      transport = nodemailer.createTransport({
        host: s.host,
        port: s.port,
        secure: s.port === 465,
        ...(s.user ? { auth: { user: s.user, pass: pass ?? '' } } : {}),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
        logger: false,
      });
      builtFor = signature;
    }
    return { t: transport, from: s.from };
  };
  return {
    configured: () => {
      const s = settings();
      return Boolean(s?.host && s.port && s.from);
    },
    async send(to, subject, text) {
      const { t, from } = current();
      await t.sendMail({ from, to, subject, text });
    },
    close() {
      transport?.close();
      transport = null;
    },
  };
}
