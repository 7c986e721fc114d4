import 'reflect-metadata';
import { demoTokens } from './auth/demo-tokens';
import { loadConfig } from './config';
import { migrateDatabase, openDatabase } from './db/client';
import { logger } from './logger';
import { isSeeded, seedDemoCity } from './seed/demo-city';
import { startServer } from './server/server';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  await migrateDatabase(database);
  if (config.seedOnFirstStart && !(await isSeeded(database.db))) {
    logger.info({ scale: config.seedScale }, 'empty database: loading the demo city');
    await seedDemoCity(database.db, { scale: config.seedScale });
  }
  const server = await startServer(config, database);
  const where = config.databaseUrl ? 'PostgreSQL server' : `embedded PGlite in ${config.dataDir}`;
  const lines = [`gridgov ready in ${Date.now() - started} ms on ${where}`, `  GraphQL (HTTP and WebSocket): ${server.url}`];
  if (!config.production) {
    lines.push('  Demo tokens (send as "Authorization: Bearer <token>"):');
    for (const { claims, token } of await demoTokens(database.db, config.jwtSecret)) lines.push(`    ${claims.role.padEnd(20)} ${token}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await server.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  logger.fatal({ err: error }, 'start failed');
  process.exit(1);
});
