import path from 'node:path';
import { DEMO_PERSONAL_DATA_KEY, PersonalDataKey } from './modules/audit/personal-data-key';

/** Every setting of the process, read once from the environment. README lists them all. */
export interface Config {
  port: number;
  /** postgres://… selects a PostgreSQL server; unset selects the embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * The PostgreSQL server itself, for LISTEN, when `databaseUrl` is a transaction pooler
   * (PgBouncer): set, statements are not prepared and no session setting is relied on.
   */
  databaseListenUrl: string | undefined;
  dataDir: string;
  /** HS256 key of tokens; null when only a JWKS is configured (then no HS256 token is accepted). */
  jwtSecret: string | null;
  /** Encrypts ID card numbers at rest and keys their lookup hashes (PERSONAL_DATA_KEY); the demo key outside production. */
  personalDataKey: PersonalDataKey;
  /** The `iss` every token must carry; `issueToken` sets it. */
  jwtIssuer: string;
  /** The `aud` every token must name; `issueToken` sets it. */
  jwtAudience: string;
  /** JWKS of the city's identity provider: RS256 and ES256 tokens are verified against it. */
  jwksUrl: string | undefined;
  /** A WebSocket that sends no `connection_init` within this time is closed with 4408. */
  wsConnectionInitTimeoutMs: number;
  /** Demo city loaded into an empty embedded database on first start. */
  seedOnFirstStart: boolean;
  seedScale: number;
  production: boolean;
  /** How often each process re-reads the outbox even without a notification (a safety net). */
  eventsPollMs: number;
  /** How long events stay in the outbox, so subscribers can resume with `after`. */
  eventRetentionMs: number;
  /** Most connections each process opens to PostgreSQL for requests (plus one for LISTEN). */
  databasePoolSize: number;
  /** How long opening a PostgreSQL connection may take before requests answer SERVICE_UNAVAILABLE. */
  databaseConnectTimeoutSeconds: number;
  /** How often a lost LISTEN connection (a database restart) is re-tried. */
  listenRetryMs: number;
  /** A statement of the API on a PostgreSQL server that runs longer is cancelled (TIMEOUT); 0: no limit. */
  statementTimeoutMs: number;
  /**
   * How long an idle keep-alive HTTP connection stays open: above a load balancer's own idle
   * timeout (60 s for most), so that the server never closes a socket the balancer is reusing.
   */
  httpKeepAliveTimeoutMs: number;
  /** On shutdown, how long in-flight HTTP requests may take before their connections are cut. */
  shutdownGraceMs: number;
  /** On shutdown, how long `/readyz` answers 503 while the process still serves, before the drain: the balancer's time to notice. */
  shutdownDelayMs: number;
  /** When set, `/metrics` answers only requests bearing it (`Authorization: Bearer …`); unset, it is open. */
  metricsToken: string | undefined;
  /** Deepest nesting of fields an operation may have (fragments expanded). */
  queryMaxDepth: number;
  /** Most points an operation may cost: each field 1, a connection multiplies its children by `first`/`last`. */
  queryMaxCost: number;
  /** Most aliased fields an operation may have. */
  queryMaxAliases: number;
  /** Most lexical tokens a document may have (graphql's parse option `maxTokens`). */
  queryMaxTokens: number;
  /** Schema introspection (`__schema`, `__type`); off in production unless asked for. */
  introspection: boolean;
  /** GraphiQL at `GET /` for browsers; off in production unless asked for. */
  explorer: boolean;
  /** `apq`: automatic persisted queries; `allowlist`: only the operations of `persistedQueriesFile` run. */
  persistedQueries: 'apq' | 'allowlist';
  /** The published allow-list, an Apollo persisted-query manifest (`npm run persisted-queries`). */
  persistedQueriesFile: string | undefined;
  /** Points each viewer may spend per hour (限流); 0 turns rate limiting off. */
  rateLimitPointsPerHour: number;
  /** Points each mutation root field adds to an operation's cost. */
  rateLimitMutationWeight: number;
  /** Query cost per rate-limit point: each started unit of an operation's cost is charged one point (like GitHub's 100). */
  rateLimitCostUnit: number;
  /** Whether this process fans out and sends webhooks (every process may; they share the work). */
  webhookDelivery: boolean;
  /** Most webhook requests this process has in flight at once. */
  webhookConcurrency: number;
  /** A webhook request without a complete answer within this time is a failed attempt. */
  webhookTimeoutMs: number;
  /** How often each process looks for due retries and unsent events without being woken. */
  webhookPollMs: number;
  /** Hosts webhooks may reach although they are loopback or link-local (SSRF policy, webhook.address.ts). */
  webhookAllowedHosts: string[];
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`);
  return value;
}

export const DEMO_JWT_SECRET = 'gridgov-demo-secret-change-me';
/** Default issuer and audience of tokens: this API issues them for itself. */
export const DEFAULT_TOKEN_PARTY = 'gridgov';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const jwksUrl = env.JWKS_URL || undefined;
  // With a JWKS and no secret of its own, the process accepts only the identity provider's tokens.
  const jwtSecret = env.JWT_SECRET || (jwksUrl ? null : DEMO_JWT_SECRET);
  if (production && env.JWT_SECRET === DEMO_JWT_SECRET) {
    throw new Error('JWT_SECRET is the demo secret, which is published with the code: production refuses it. Set a secret of your own (at least 32 characters), or JWKS_URL alone');
  }
  if (production && jwtSecret === DEMO_JWT_SECRET) {
    throw new Error('JWT_SECRET (or JWKS_URL alone) must be set in production');
  }
  if (production && jwtSecret !== null && jwtSecret.length < 32) {
    throw new Error('JWT_SECRET must have at least 32 characters in production: an HS256 key is guessed offline from any token');
  }
  if (production && !env.PERSONAL_DATA_KEY) {
    throw new Error('PERSONAL_DATA_KEY must be set in production: it encrypts the ID card numbers in the database');
  }
  const personalDataKey = PersonalDataKey.parse(env.PERSONAL_DATA_KEY || DEMO_PERSONAL_DATA_KEY);
  if (production && personalDataKey.isDemo) {
    throw new Error('PERSONAL_DATA_KEY must not be the demo key in production: that key is public');
  }
  const persistedQueries = env.PERSISTED_QUERIES || 'apq';
  if (persistedQueries !== 'apq' && persistedQueries !== 'allowlist') {
    throw new Error(`PERSISTED_QUERIES must be "apq" or "allowlist", got "${persistedQueries}"`);
  }
  const persistedQueriesFile = env.PERSISTED_QUERIES_FILE ? path.resolve(env.PERSISTED_QUERIES_FILE) : undefined;
  if (persistedQueries === 'allowlist' && !persistedQueriesFile) {
    throw new Error('PERSISTED_QUERIES=allowlist needs PERSISTED_QUERIES_FILE, the published manifest');
  }
  return {
    port: intSetting(env, 'PORT', 4000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    jwtSecret,
    personalDataKey,
    jwtIssuer: env.JWT_ISSUER || DEFAULT_TOKEN_PARTY,
    jwtAudience: env.JWT_AUDIENCE || DEFAULT_TOKEN_PARTY,
    jwksUrl,
    wsConnectionInitTimeoutMs: intSetting(env, 'WS_CONNECTION_INIT_TIMEOUT_MS', 3_000),
    seedOnFirstStart: env.SEED !== 'false',
    seedScale: intSetting(env, 'SEED_SCALE', 1),
    production,
    eventsPollMs: intSetting(env, 'EVENTS_POLL_MS', 5_000),
    eventRetentionMs: intSetting(env, 'EVENT_RETENTION_DAYS', 7) * 24 * 3600 * 1000,
    databasePoolSize: Math.max(1, intSetting(env, 'DATABASE_POOL_SIZE', 10)),
    databaseConnectTimeoutSeconds: intSetting(env, 'DATABASE_CONNECT_TIMEOUT_SECONDS', 10),
    databaseListenUrl: env.DATABASE_LISTEN_URL || undefined,
    listenRetryMs: intSetting(env, 'LISTEN_RETRY_MS', 250),
    httpKeepAliveTimeoutMs: intSetting(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 65_000),
    statementTimeoutMs: intSetting(env, 'STATEMENT_TIMEOUT_MS', 30_000),
    shutdownGraceMs: intSetting(env, 'SHUTDOWN_GRACE_MS', 10_000),
    shutdownDelayMs: intSetting(env, 'SHUTDOWN_DELAY_MS', 0),
    metricsToken: env.METRICS_TOKEN || undefined,
    queryMaxDepth: intSetting(env, 'QUERY_MAX_DEPTH', 10),
    queryMaxCost: intSetting(env, 'QUERY_MAX_COST', 10_000),
    queryMaxAliases: intSetting(env, 'QUERY_MAX_ALIASES', 15),
    queryMaxTokens: intSetting(env, 'QUERY_MAX_TOKENS', 2_000),
    introspection: env.INTROSPECTION ? env.INTROSPECTION === 'true' : !production,
    explorer: env.EXPLORER ? env.EXPLORER === 'true' : !production,
    persistedQueries,
    persistedQueriesFile,
    rateLimitPointsPerHour: intSetting(env, 'RATE_LIMIT_POINTS_PER_HOUR', 5_000),
    rateLimitMutationWeight: intSetting(env, 'RATE_LIMIT_MUTATION_WEIGHT', 10),
    rateLimitCostUnit: Math.max(1, intSetting(env, 'RATE_LIMIT_COST_UNIT', 100)),
    webhookDelivery: env.WEBHOOK_DELIVERY !== 'false',
    webhookConcurrency: Math.max(1, intSetting(env, 'WEBHOOK_CONCURRENCY', 8)),
    webhookTimeoutMs: intSetting(env, 'WEBHOOK_TIMEOUT_MS', 10_000),
    webhookPollMs: intSetting(env, 'WEBHOOK_POLL_MS', 5_000),
    webhookAllowedHosts: (env.WEBHOOK_ALLOWED_HOSTS ?? (production ? '' : 'localhost,127.0.0.1,::1'))
      .split(',').map((host) => host.trim().replace(/^\[|\]$/g, '').toLowerCase()).filter(Boolean),
  };
}

/** Where and how much the process logs; read before the rest of the config, since the logger exists first. */
export interface LogSettings {
  /** pino level; LOG_LEVEL, else `info` (`silent` under NODE_ENV=test unless LOG_DIR is set). */
  level: string;
  /** LOG_DIR: a folder that receives the JSON lines, one file per process, instead of stdout. */
  dir: string | undefined;
}

export function loadLogSettings(env: NodeJS.ProcessEnv = process.env): LogSettings {
  const dir = env.LOG_DIR || undefined;
  const quiet = env.NODE_ENV === 'test' && dir === undefined;
  return { level: env.LOG_LEVEL || (quiet ? 'silent' : 'info'), dir };
}
