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
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = intFromEnv('PORT', 3000);
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
    maxHistoryEvents: intFromEnv('CANDIDACY_MAX_HISTORY_EVENTS', 0),
    linkSecret: linkSecretFromEnv(env),
    juryRoomUrlTemplate: env.JURY_ROOM_URL_TEMPLATE || undefined,
    temporalUiUrl: env.TEMPORAL_UI_URL || undefined,
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
