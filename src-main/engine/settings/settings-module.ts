import { randomBytes } from 'node:crypto';
import { RpcError, type Settings } from '../../contract';
import type { settingsPatch } from '../../contract/system';
import type { EngineConfig } from '../config';
import { DEFAULT_REVIEW_THRESHOLD } from '../model/review-threshold';
import type { EngineContext, EngineModule } from '../module';
import type { Collection } from '../store/store';
import type { z } from 'zod';
import { SECRET_NAMES, type SecretName, type SecretStore } from './secret-store';

/** Settings kept in lowdb: everything but secrets. */
export interface StoredSettings {
  organisationName: string;
  graphVersion: string | null;
  tunnel: string | null;
  /** The localtunnel server (absent in files from before it was a setting: the configured one). */
  tunnelHost?: string | null;
  pageId: string | null;
  /** The Meta app's id (absent in files from before it was a setting). */
  appId?: string | null;
  email: Settings['email'];
  backupRetentionDays: number;
  /** The webhook verification token the coordinator pastes into the Meta app (made once). */
  verifyToken?: string;
  utilityTemplate?: { name: string; language: string } | null;
  /** Absent in files from before it was a setting: DEFAULT_REVIEW_THRESHOLD. */
  reviewThreshold?: number;
}

export function defaultSettings(): StoredSettings {
  return {
    organisationName: 'Our nonprofit',
    graphVersion: null,
    tunnel: null,
    pageId: null,
    email: { host: null, port: null, from: null, user: null },
    backupRetentionDays: 14,
  };
}

/**
 * The settings the rest of the engine reads at run time (getters, so a change in the
 * Settings screen takes effect without a restart). The environment overrides stored values.
 */
export class SettingsService {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly config: EngineConfig,
    private readonly stored: Collection<StoredSettings> | null,
    private readonly secrets: SecretStore,
  ) {}

  private get data(): StoredSettings {
    return this.stored?.data ?? defaultSettings();
  }

  organisationName(): string {
    return this.data.organisationName;
  }
  graphVersion(): string {
    return process.env.FB_GRAPH_VERSION ? this.config.graphVersion : (this.data.graphVersion ?? this.config.graphVersion);
  }
  tunnel(): string {
    return process.env.VOLUNTREE_TUNNEL ? this.config.tunnel : (this.data.tunnel ?? this.config.tunnel);
  }
  /** `VOLUNTREE_TUNNEL_HOST` wins, like every variable; otherwise Settings, else the public server. */
  tunnelHost(): string {
    return process.env.VOLUNTREE_TUNNEL_HOST ? this.config.tunnelHost : (this.data.tunnelHost ?? this.config.tunnelHost);
  }
  pageId(): string | null {
    return this.config.pageId ?? this.data.pageId;
  }
  appId(): string | null {
    return this.config.appId ?? this.data.appId ?? null;
  }
  pageToken(): string | null {
    return this.config.pageToken ?? this.secrets.get('pageToken');
  }
  appSecret(): string | null {
    return this.config.appSecret ?? this.secrets.get('appSecret');
  }
  smtpPassword(): string | null {
    return this.secrets.get('smtpPassword');
  }
  /**
   * The webhook verify token: FB_VERIFY_TOKEN, or one made on first use and kept in the
   * settings file (it is not a secret: Meta shows it back in the app dashboard).
   */
  verifyToken(): string {
    if (this.config.verifyToken) return this.config.verifyToken;
    const d = this.stored?.data;
    if (!d) return '';
    if (!d.verifyToken) {
      d.verifyToken = `vt-${randomBytes(12).toString('hex')}`;
      void this.stored?.write();
    }
    return d.verifyToken;
  }
  email(): Settings['email'] {
    return this.data.email;
  }
  utilityTemplate(): { name: string; language: string } | null {
    return this.data.utilityTemplate ?? null;
  }
  reviewThreshold(): number {
    return this.data.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
  }
  backupRetentionDays(): number {
    return this.data.backupRetentionDays;
  }
  /** Demo mode: no Facebook Page connected (no page id or no page token). */
  demoMode(): boolean {
    return !(this.pageId() && this.pageToken());
  }

  /** Every secret value in force, for log redaction. */
  secretValues(): string[] {
    return SECRET_NAMES.map((n) => (n === 'pageToken' ? this.pageToken() : n === 'appSecret' ? this.appSecret() : this.smtpPassword())).filter(
      (v): v is string => Boolean(v),
    );
  }

  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  view(): Settings {
    const d = this.data;
    return {
      organisationName: d.organisationName,
      graphVersion: this.graphVersion(),
      tunnel: this.tunnel(),
      tunnelHost: this.tunnelHost(),
      pageId: this.pageId(),
      appId: this.appId(),
      pageConnected: !this.demoMode(),
      demoMode: this.demoMode(),
      secrets: { pageToken: Boolean(this.pageToken()), appSecret: Boolean(this.appSecret()), smtpPassword: Boolean(this.smtpPassword()) },
      email: d.email,
      backupRetentionDays: d.backupRetentionDays,
      utilityTemplate: d.utilityTemplate ?? null,
      reviewThreshold: this.reviewThreshold(),
    };
  }

  async apply(patch: z.output<typeof settingsPatch>): Promise<Settings> {
    if (!this.stored) throw new RpcError('unavailable', 'Settings can only be changed in the app, not in a worker.');
    const { pageToken, appSecret, smtpPassword, ...plain } = patch;
    // null or '' removes the secret (the store treats both alike).
    const secretPatch: Partial<Record<SecretName, string | null>> = { pageToken, appSecret, smtpPassword };
    for (const name of SECRET_NAMES) {
      const v = secretPatch[name];
      if (v !== undefined) this.secrets.set(name, v);
    }
    await this.stored.update((d) => {
      if (plain.organisationName !== undefined) d.organisationName = plain.organisationName;
      if (plain.graphVersion !== undefined) d.graphVersion = plain.graphVersion;
      if (plain.tunnel !== undefined) d.tunnel = plain.tunnel;
      if (plain.tunnelHost !== undefined) d.tunnelHost = plain.tunnelHost;
      if (plain.pageId !== undefined) d.pageId = plain.pageId;
      if (plain.appId !== undefined) d.appId = plain.appId;
      if (plain.email !== undefined) d.email = plain.email;
      if (plain.backupRetentionDays !== undefined) d.backupRetentionDays = plain.backupRetentionDays;
      if (plain.utilityTemplate !== undefined) d.utilityTemplate = plain.utilityTemplate;
      if (plain.reviewThreshold !== undefined) d.reviewThreshold = plain.reviewThreshold;
    });
    for (const l of this.listeners) l();
    return this.view();
  }
}

export function createSettingsModule(_ctx: EngineContext, settings: SettingsService): EngineModule {
  return {
    name: 'settings',
    handlers: {
      'settings.get': async () => settings.view(),
      'settings.set': async (args) => settings.apply(args),
    },
  };
}
