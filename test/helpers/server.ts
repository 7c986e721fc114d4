import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../src/auth/roles';
import { ALL_TOPICS, type ApiKeyTopic } from '../../src/auth/topics';
import { issueToken, type Unit } from '../../src/auth/viewer';
import { loadConfig, type Config } from '../../src/config';
import type { Database } from '../../src/db/client';
import { insertApiKey } from '../../src/modules/integrator/integrator.store';
import { startServer, type RunningServer } from '../../src/server/server';
import { openTestDatabase } from './database';

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

export interface TestServer {
  config: Config;
  database: Database;
  server: RunningServer;
  /** POSTs a GraphQL request over real HTTP. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  /** Raw HTTP, for status codes and headers. */
  post(body: unknown, token?: string): Promise<Response>;
  /** A token for a person of `role`; for Role.INTEGRATOR, a new API key on `unit` with every topic. */
  token(role: Role, unit?: Unit, sub?: string): Promise<string>;
  /** A new integrator's API key, stored as `apiKeyCreate` stores it. */
  apiKey(options?: ApiKeyOptions): Promise<string>;
  wsClient(token?: string): Client;
  close(): Promise<void>;
}

export interface ApiKeyOptions {
  /** Null or absent: the whole city. */
  unit?: Unit | null;
  /** Default: every topic. */
  topics?: readonly ApiKeyTopic[];
  expiresAt?: Date | null;
}

/**
 * Rate limiting is off on a test server unless a test sets a budget: the suite sends
 * thousands of requests under a few token subjects. Every other limit is production's.
 */
export const TEST_LIMITS: Partial<Config> = { rateLimitPointsPerHour: 0 };

/**
 * For tests that walk whole subtrees in one nested query (statement counts six connections
 * deep, row scope under every list), past the production depth and cost on purpose.
 */
export const DEEP_QUERY_LIMITS: Partial<Config> = { queryMaxDepth: 20, queryMaxCost: Number.MAX_SAFE_INTEGER };

/** A real server on a free port over this file's own copy of the demo city; `overrides` change settings of the test config. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const config: Config = { ...loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv), ...TEST_LIMITS, ...overrides, port: 0 };
  const database = await openTestDatabase();
  const server = await startServer(config, database, 0);
  const clients: Client[] = [];
  const post = (body: unknown, token?: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const apiKey = async (options: ApiKeyOptions = {}) => (await insertApiKey(database.db, {
    name: 'test key', unit: options.unit ?? null, topics: options.topics ?? ALL_TOPICS, expiresAt: options.expiresAt ?? null,
    createdBy: { subject: 'test-city_admin', role: Role.CITY_ADMIN },
  })).secret;
  const token = (role: Role, unit?: Unit, sub = `test-${role.toLowerCase()}`) => {
    if (role === Role.INTEGRATOR) return apiKey({ unit });
    if (config.jwtSecret === null) throw new Error('This test server has no JWT_SECRET: it accepts only tokens of its JWKS.');
    return issueToken({ sub, role, unit }, config.jwtSecret, { issuer: config.jwtIssuer, audience: config.jwtAudience });
  };
  return {
    config,
    database,
    server,
    post,
    apiKey,
    async gql(query, variables, token) {
      const response = await post({ query, variables }, token);
      return (await response.json()) as GraphQLResponse;
    },
    token,
    wsClient(token) {
      const client = createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.close();
      await database.close();
    },
  };
}

export { Role };
