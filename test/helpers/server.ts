import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Role } from '../../src/auth/roles';
import { issueToken, type Unit } from '../../src/auth/viewer';
import { loadConfig, type Config } from '../../src/config';
import type { Database } from '../../src/db/client';
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
  token(role: Role, unit?: Unit, sub?: string): Promise<string>;
  wsClient(token?: string): Client;
  close(): Promise<void>;
}

/** A real server on a free port over this file's own copy of the demo city. */
export async function startTestServer(): Promise<TestServer> {
  const config: Config = { ...loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv), port: 0 };
  const database = await openTestDatabase();
  const server = await startServer(config, database, 0);
  const clients: Client[] = [];
  const post = (body: unknown, token?: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  return {
    config,
    database,
    server,
    post,
    async gql(query, variables, token) {
      const response = await post({ query, variables }, token);
      return (await response.json()) as GraphQLResponse;
    },
    token: (role, unit, sub = `test-${role.toLowerCase()}`) => issueToken({ sub, role, unit }, config.jwtSecret),
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
