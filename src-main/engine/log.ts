/** Levels in order of importance. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Patterns that look like credentials wherever they appear (URLs, headers, error texts). */
const SECRET_PATTERNS: RegExp[] = [
  /(access_token|appsecret_proof|client_secret|password|pass|token)=([^&\s"']+)/gi,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
  /(redis:\/\/[^:@/\s]*:)[^@\s]+(@)/g,
];

/**
 * Removes secrets from a text: every known secret value (page token, app secret, SMTP
 * password, Redis password, API token) and anything shaped like a credential.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    // Also the forms a secret takes in a URL or an auth header, should one be logged whole.
    for (const form of new Set([s, encodeURIComponent(s), Buffer.from(s, 'utf8').toString('base64')])) out = out.split(form).join('[redacted]');
  }
  out = out.replace(SECRET_PATTERNS[0]!, '$1=[redacted]');
  out = out.replace(SECRET_PATTERNS[1]!, '$1[redacted]');
  out = out.replace(SECRET_PATTERNS[2]!, '$1[redacted]$2');
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Returns the secret values in force now (they can change in settings). */
  secrets?: () => readonly string[];
  /** Where lines go; stderr by default. */
  write?: (line: string) => void;
  bindings?: Record<string, unknown>;
  /** `json` (default) for files and machines; `pretty` for a person at a terminal. */
  format?: 'json' | 'pretty';
}

function pretty(record: Record<string, unknown>): string {
  const { t, level, msg, ...rest } = record;
  const time = typeof t === 'string' ? t.slice(11, 19) : '';
  const extra = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${time} ${String(level).padEnd(5)} ${String(msg)}${extra ? `  (${extra})` : ''}`;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

/** JSON-lines logger whose every line passes through `redact` before it is written. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? ((process.env.VOLUNTREE_LOG_LEVEL as LogLevel | undefined) ?? 'info');
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const secrets = opts.secrets ?? (() => []);
  const bindings = opts.bindings ?? {};
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record: Record<string, unknown> = { t: new Date().toISOString(), level: lvl, msg, ...bindings };
    if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialise(v);
    write(redact(opts.format === 'pretty' ? pretty(record) : JSON.stringify(record), secrets()));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (b) => createLogger({ ...opts, level, write, secrets, bindings: { ...bindings, ...b } }),
  };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(secrets: readonly string[] = []): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l), secrets: () => secrets });
  return Object.assign(logger, { lines });
}

function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (value instanceof Error) return { name: value.name, message: redact(value.message, secrets), stack: value.stack ? redact(value.stack, secrets) : undefined };
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, secrets, depth + 1);
  return out;
}

/**
 * Wraps a logger made elsewhere (a test's, the desktop shell's) so that the engine's secrets
 * are removed from every message and field before it sees them.
 */
export function withSecrets(inner: Logger, secrets: () => readonly string[]): Logger {
  const wrap = (fn: (m: string, f?: Record<string, unknown>) => void) => (msg: string, fields?: Record<string, unknown>) => {
    const s = secrets();
    fn(redact(msg, s), fields ? (redactValue(fields, s) as Record<string, unknown>) : undefined);
  };
  return {
    debug: wrap((m, f) => inner.debug(m, f)),
    info: wrap((m, f) => inner.info(m, f)),
    warn: wrap((m, f) => inner.warn(m, f)),
    error: wrap((m, f) => inner.error(m, f)),
    child: (b) => withSecrets(inner.child(b), secrets),
  };
}
