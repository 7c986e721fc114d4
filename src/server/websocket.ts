import { parse, validate, type GraphQLError, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import type { Disposable } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { viewerFromAuthorization, type Viewer } from '../auth/viewer';
import type { Config } from '../config';
import { createContext } from '../context';
import type { Database } from '../db/client';
import type { EventHub } from '../events/hub';
import { admit } from './gate';

/** Connection params of graphql-ws carry the same bearer token as HTTP's Authorization header. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** graphql-ws (protocol graphql-transport-ws) on the GraphQL path; returns its disposer. */
export function serveWebSocket(
  httpServer: http.Server, path: string, schema: GraphQLSchema, config: Config, database: Database, events: EventHub,
): Disposable {
  const wsServer = new WebSocketServer({ server: httpServer, path });
  return useServer<Record<string, unknown>, { viewer?: Viewer }>(
    {
      schema,
      onConnect: async (ctx) => {
        try {
          ctx.extra.viewer = await viewerFromAuthorization(authorizationOf(ctx.connectionParams), config.jwtSecret);
          return true;
        } catch {
          ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden');
          return false;
        }
      },
      // Parse, validate and admit here, before anything runs, as the HTTP path does.
      onSubscribe: (ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error as GraphQLError];
        }
        const invalid = validate(schema, document);
        if (invalid.length > 0) return invalid;
        const refused = admit({ schema, document, viewer: ctx.extra.viewer!, variables: payload.variables ?? undefined, operationName: payload.operationName });
        if (refused) return [refused];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(config, database, events, ctx.extra.viewer!),
        };
      },
    },
    wsServer,
  );
}
