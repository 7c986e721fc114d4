import 'reflect-metadata';
import { demoTokens } from './auth/demo-tokens';
import { loadConfig } from './config';
import { openDatabase } from './db/client';
import { migrateDatabase } from './db/migrate';
import { logger } from './logger';
import { isSeeded } from './seed/seeded';
import { startServer } from './server/server';

/** How long each step of the start took, in ms: what an operator reads when a rolling deploy is slow. */
const steps: Record<string, number> = {};
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    steps[name] = Math.round(performance.now() - started);
  }
}

async function main(): Promise<void> {
  // Node's own start and loading the code, before this line runs.
  steps.load = Math.round(performance.now());
  const config = loadConfig();
  const database = await step('database', () => openDatabase({
    url: config.databaseUrl, listenUrl: config.databaseListenUrl, dataDir: config.dataDir, poolSize: config.databasePoolSize, connectTimeoutSeconds: config.databaseConnectTimeoutSeconds, listenRetryMs: config.listenRetryMs,
    statementTimeoutMs: config.statementTimeoutMs,
  }));
  await step('migrations', () => migrateDatabase(database, config.personalDataKey));
  if (config.seedOnFirstStart && !(await isSeeded(database.db))) {
    logger.info({ scale: config.seedScale }, 'empty database: loading the demo city');
    // Loaded only here: a start that finds its data never parses the seed or faker.
    const { seedDemoCity } = await import('./seed/demo-city');
    await step('seed', () => seedDemoCity(database.db, { scale: config.seedScale, personalDataKey: config.personalDataKey }));
  }
  const server = await step('server', () => startServer(config, database));
  const where = config.databaseUrl ? 'PostgreSQL server' : `embedded PGlite in ${config.dataDir}`;
  const took = Object.entries(steps).map(([name, ms]) => `${name} ${ms}`).join(', ');
  logger.info({ steps, readyMs: Math.round(performance.now()) }, 'ready');
  const lines = [`gridgov ready in ${Math.round(performance.now())} ms (${took}) on ${where}`, `  GraphQL (HTTP and WebSocket): ${server.url}`];
  if (config.explorer) lines.push(`  Explorer (GraphiQL, in a browser): http://localhost:${server.port}/`);
  if (!config.production) {
    lines.push('  Demo tokens and the demo API key (send as "Authorization: Bearer <token>"):');
    for (const { claims, token } of await demoTokens(database.db, config.jwtSecret, { issuer: config.jwtIssuer, audience: config.jwtAudience })) lines.push(`    ${claims.role.padEnd(20)} ${token}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  // The first signal makes /readyz answer 503 and, SHUTDOWN_DELAY_MS later (the balancer has stopped
  // sending), drains: in-flight requests finish, WebSockets close with 1001. A second signal, or a
  // drain that outlives the grace period by far, ends the process at once.
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without draining');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, delayMs: config.shutdownDelayMs }, 'shutting down');
    server.beginShutdown();
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.shutdownDelayMs + config.shutdownGraceMs + 5_000).unref();
    try {
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      await server.close();
      await database.close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGINT', (signal) => void shutdown(signal));
  process.on('SIGTERM', (signal) => void shutdown(signal));
}

// A fault outside any request is logged and survives: one bad event must not take every connection down.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

main().catch((error) => {
  logger.fatal({ err: error }, 'start failed');
  process.exit(1);
});
