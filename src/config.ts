import path from 'node:path';

/**
 * Environment configuration. Every external service is optional in development: when its
 * variable is unset, `npm run dev` starts an embedded one (see src/dev.ts). The production
 * entry points (server.ts, worker.ts) require them or fall back to localhost defaults.
 */
export interface AppConfig {
  databaseUrl: string | undefined;
  /** Temporal connection comes from @temporalio/envconfig (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ...). */
  temporalAddress: string | undefined;
  taskQueue: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  logLevel: string;
  migrateOnStart: boolean;
  /** Continue-as-new threshold for candidacy histories (0: only when the server suggests it). */
  maxHistoryEvents: number;
  /**
   * Secret of the signed links sent to people without an account (jury invitations). Required in
   * production (NODE_ENV=production); a fixed development value otherwise.
   */
  linkSecret: string;
  /** The virtual room of a remote jury session when none is entered: `{sessionId}` is replaced. */
  juryRoomUrlTemplate: string | undefined;
  /** The Temporal Web UI's address, for administrators' links in the console. */
  temporalUiUrl: string | undefined;
  /** Sign-in to the console through OpenID Connect (ProConnect): null when not configured. */
  oidc: OidcConfig | null;
  /** Bearer token of the API's GET /metrics; unset: /metrics is off (README, « Metrics and traces »). */
  metricsToken: string | undefined;
  /** host:port of the worker's Prometheus endpoint (the SDK runtime's); unset: none. */
  workerMetricsAddress: string | undefined;
}

/** An OpenID Connect provider for the console's sign-in (OIDC_* variables). */
export interface OidcConfig {
  /** The issuer identifier: its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated, with `openid`; the console reads the `email` claim only. */
  scopes: string;
  /** The login page's button. */
  label: string;
}

/** ProConnect's scopes: the others are only asked, never required (only `email` is read). */
export const DEFAULT_OIDC_SCOPES = 'openid email given_name usual_name';
export const DEFAULT_OIDC_LABEL = 'Se connecter avec ProConnect';

function intFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** How long computed indicators are shared (src/app/indicators/cache.ts), in seconds; 0: never. */
export function indicatorsCacheSeconds(env: NodeJS.ProcessEnv = process.env): number {
  return intFromEnv('INDICATORS_CACHE_SECONDS', 60, env);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = intFromEnv('PORT', 3000, env);
  // Read again at each request (a test may change it), checked here so that a bad value stops the
  // start, not every indicators request.
  indicatorsCacheSeconds(env);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    temporalAddress: env.TEMPORAL_ADDRESS || undefined,
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'parcours-vae',
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || 'Parcours VAE <ne-pas-repondre@parcours-vae.local>',
    port,
    host: env.HOST || '127.0.0.1',
    publicUrl: env.PUBLIC_URL || `http://localhost:${port}`,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    logLevel: env.LOG_LEVEL || 'info',
    migrateOnStart: env.MIGRATE_ON_START === 'true',
    maxHistoryEvents: intFromEnv('CANDIDACY_MAX_HISTORY_EVENTS', 0, env),
    linkSecret: linkSecretFromEnv(env),
    juryRoomUrlTemplate: env.JURY_ROOM_URL_TEMPLATE || undefined,
    temporalUiUrl: env.TEMPORAL_UI_URL || undefined,
    oidc: oidcFromEnv(env),
    metricsToken: env.METRICS_TOKEN || undefined,
    workerMetricsAddress: env.WORKER_METRICS_ADDRESS || undefined,
  };
}

const OIDC_REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * OIDC is on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set, off when none
 * is; some only is a mistake, refused at startup with the names of the missing ones.
 */
export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcConfig | null {
  const value = (name: string) => env[name]?.trim() || undefined;
  const missing = OIDC_REQUIRED.filter((name) => !value(name));
  if (missing.length === OIDC_REQUIRED.length) return null;
  if (missing.length) {
    throw new Error(
      `OpenID Connect is partly configured: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (set ${OIDC_REQUIRED.join(', ')}, or none of them)`,
    );
  }
  const issuer = value('OIDC_ISSUER')!;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error(`OIDC_ISSUER must be a URL, got "${issuer}"`);
  }
  // Plain HTTP only for a provider on this machine (development, tests).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`OIDC_ISSUER must be an https:// URL, got "${issuer}"`);
  }
  const scopes = (value('OIDC_SCOPES') ?? DEFAULT_OIDC_SCOPES).split(/\s+/).filter(Boolean);
  if (!scopes.includes('openid')) {
    throw new Error(`OIDC_SCOPES must include "openid", got "${scopes.join(' ')}"`);
  }
  return {
    issuer,
    clientId: value('OIDC_CLIENT_ID')!,
    clientSecret: value('OIDC_CLIENT_SECRET')!,
    scopes: scopes.join(' '),
    label: value('OIDC_LABEL') ?? DEFAULT_OIDC_LABEL,
  };
}

function linkSecretFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.LINK_SECRET) {
    if (env.LINK_SECRET.length < 32) throw new Error('LINK_SECRET must be at least 32 characters long');
    return env.LINK_SECRET;
  }
  if (env.NODE_ENV === 'production') throw new Error('LINK_SECRET is required in production');
  return 'parcours-vae-development-link-secret-not-for-production';
}
