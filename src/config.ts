import path from 'node:path';

/** Every setting of the process, read once from the environment. README lists them all. */
export interface Config {
  port: number;
  /** postgres://… selects a PostgreSQL server; unset selects the embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  jwtSecret: string;
  /** Demo city loaded into an empty embedded database on first start. */
  seedOnFirstStart: boolean;
  seedScale: number;
  production: boolean;
  /** How often each process re-reads the outbox even without a notification (a safety net). */
  eventsPollMs: number;
  /** How long events stay in the outbox, so subscribers can resume with `after`. */
  eventRetentionMs: number;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

export const DEMO_JWT_SECRET = 'gridgov-demo-secret-change-me';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const jwtSecret = env.JWT_SECRET || DEMO_JWT_SECRET;
  if (production && jwtSecret === DEMO_JWT_SECRET) {
    throw new Error('JWT_SECRET must be set in production');
  }
  return {
    port: intSetting(env, 'PORT', 4000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    jwtSecret,
    seedOnFirstStart: env.SEED !== 'false',
    seedScale: intSetting(env, 'SEED_SCALE', 1),
    production,
    eventsPollMs: intSetting(env, 'EVENTS_POLL_MS', 5_000),
    eventRetentionMs: intSetting(env, 'EVENT_RETENTION_DAYS', 7) * 24 * 3600 * 1000,
  };
}
