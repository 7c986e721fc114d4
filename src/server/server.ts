import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled, ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '../auth/authenticator';
import type { Config } from '../config';
import { createContext, type Context } from '../context';
import type { Database } from '../db/client';
import { EventHub } from '../events/hub';
import { WebhookDelivery } from '../modules/webhook/webhook.delivery';
import { startJobs } from './jobs';
import { importRoutes } from '../modules/import/import.routes';
import { appraisalRoutes } from '../modules/appraisal/appraisal.export';
import { open311Routes } from '../modules/open311/open311.routes';
import { BoardFeed } from '../modules/property/board.routes';
import { explorerRoutes } from './explorer';
import { formatError, httpErrorHandler, unavailableStatusPlugin } from './format-error';
import { metricsRoute, watchServer } from './metrics';
import { readiness } from './readiness';
import { Gate } from './gate';
import { HttpGate } from './gate-plugin';
import { requestLog, requestLogPlugin } from './request-log';
import { serveWebSocket } from './websocket';
import { webAssets } from './web-assets';
import { getSchema } from '../schema';

export const GRAPHQL_PATH = '/graphql';

export interface RunningServer {
  events: EventHub;
  /** This process's webhook worker; null with WEBHOOK_DELIVERY=false. */
  webhooks: WebhookDelivery | null;
  /** The notice boards' live streams (`connections` for /metrics). */
  board: BoardFeed;
  url: string;
  wsUrl: string;
  port: number;
  /** `/readyz` answers 503 from now on while everything else still serves: the balancer's cue to send no more. */
  beginShutdown(): void;
  close(): Promise<void>;
}

export async function startServer(config: Config, database: Database, port = config.port): Promise<RunningServer> {
  const schema = await getSchema();
  const events = new EventHub(database, config.eventsPollMs);
  await events.start();
  const unwatch = watchServer({ database, events });
  const stopJobs = startJobs(config, database);
  const webhooks = config.webhookDelivery ? new WebhookDelivery(config, database, events) : null;
  webhooks?.start();
  const app = express();
  const httpServer = http.createServer(app);
  // Node's 5 s default closes an idle socket that a balancer or a client may be reusing at that
  // very moment (ECONNRESET): the one that closes idle sockets must be the client side.
  httpServer.keepAliveTimeout = config.httpKeepAliveTimeoutMs;
  // Above keepAliveTimeout, as for any server behind a balancer: a reused socket's header timer
  // must not cut off a request the keep-alive still allows.
  httpServer.headersTimeout = config.httpKeepAliveTimeoutMs + 1_000;
  const authenticator = createAuthenticator(config, database.db);
  const gate = new Gate(config, database);
  const httpGate = new HttpGate(schema, gate);
  const wsCleanup = serveWebSocket(httpServer, GRAPHQL_PATH, schema, config, database, events, authenticator, gate);
  const board = new BoardFeed(config, database, events);
  const assets = webAssets();

  const apollo = new ApolloServer<Context>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    // index.ts owns the signals: it stops the server, then closes the database.
    stopOnTerminationSignals: false,
    introspection: config.introspection,
    // Production answers no "Did you mean …?": a field name guessed is a field name learnt.
    hideSchemaDetailsFromClientErrors: config.production,
    csrfPrevention: true,
    // One operation per request: a batch would multiply every limit by its length.
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: config.queryMaxTokens },
    persistedQueries: {},
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownGraceMs }),
      unavailableStatusPlugin,
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      // Nothing is reported to Apollo's cloud: saying so spares every start importing those plugins.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      httpGate.plugin(),
      requestLogPlugin,
      {
        async serverWillStart() {
          return {
            async drainServer() {
              // First, before anything awaits: the HTTP drain beside this one ends every socket without a
              // request in flight (an upgraded WebSocket has none) one tick after it starts, so a close
              // frame not sent by then leaves clients a 1006 instead of 1001 (going away: resume elsewhere).
              const sockets = wsCleanup.dispose();
              stopJobs();
              board.close();
              await webhooks?.stop();
              await sockets;
              await events.stop();
              unwatch();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(explorerRoutes(config, database, assets, GRAPHQL_PATH));
  app.get('/', (_req, res) => {
    res.json({ name: 'gridgov', graphql: GRAPHQL_PATH, websocket: GRAPHQL_PATH, protocol: 'graphql-transport-ws', health: '/healthz', ready: '/readyz', metrics: '/metrics' });
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  let stopping = false;
  app.get('/readyz', async (_req, res) => {
    const state = await readiness(database, events, stopping);
    res.status(state.ready ? 200 : 503).json(state);
  });
  app.get('/metrics', metricsRoute(config));
  app.use(importRoutes(config, database, events, authenticator));
  app.use(appraisalRoutes(authenticator, database));
  app.use(open311Routes(config, database, events, authenticator));
  app.use(assets.routes(config.explorer ? ['board', 'explorer'] : ['board']));
  app.use(board.routes());
  app.use(GRAPHQL_PATH, requestLog());
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: '1mb' }),
    httpGate.sourceCheck(),
    expressMiddleware(apollo, {
      context: async ({ req }) => httpGate.remember(
        createContext(config, database, events, await authenticator.viewerOf(req.headers.authorization)), req.socket.remoteAddress,
      ),
    }),
  );
  app.use(httpErrorHandler);

  await new Promise<void>((resolve) => httpServer.listen(port, resolve));
  const actualPort = (httpServer.address() as AddressInfo).port;
  return {
    events,
    webhooks,
    board,
    port: actualPort,
    url: `http://localhost:${actualPort}${GRAPHQL_PATH}`,
    wsUrl: `ws://localhost:${actualPort}${GRAPHQL_PATH}`,
    beginShutdown: () => {
      stopping = true;
    },
    // Drains HTTP (in-flight requests finish, new connections are refused) and closes WebSockets with 1001.
    close: () => {
      stopping = true;
      return apollo.stop();
    },
  };
}
