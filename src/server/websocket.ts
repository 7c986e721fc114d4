import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type GraphQLSchema } from 'graphql';
import type { Disposable } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import type { Authenticator } from '../auth/authenticator';
import type { Viewer } from '../auth/viewer';
import type { Config } from '../config';
import { createContext } from '../context';
import type { Database } from '../db/client';
import type { EventHub } from '../events/hub';
import { CredentialWatch } from './credential-watch';
import { formatErrors, formatResult } from './format-error';
import type { Gate } from './gate';
import { callerKey } from './rate-limit';

/** Connection params of graphql-ws carry the same bearer token as HTTP's Authorization header. */
function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/** A parse or validation error with the code Apollo gives it over HTTP; production hides "Did you mean …?". */
function documentError(error: GraphQLError, code: string, hideSuggestions: boolean): GraphQLError {
  const message = hideSuggestions ? error.message.replace(/ ?Did you mean(.+?)\?$/, '') : error.message;
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

/** graphql-ws (protocol graphql-transport-ws) on the GraphQL path; returns its disposer. */
export function serveWebSocket(
  httpServer: http.Server, path: string, schema: GraphQLSchema, config: Config, database: Database, events: EventHub, authenticator: Authenticator,
  gate: Gate,
): Disposable {
  const validationRules = config.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const wsServer = new WebSocketServer({ server: httpServer, path });
  const credentials = new CredentialWatch(events);
  const served = useServer<Record<string, unknown>, { viewer?: Viewer }>(
    {
      schema,
      // Without `connection_init` in time the socket is closed with 4408.
      connectionInitWaitTimeout: config.wsConnectionInitTimeoutMs,
      // Closing a socket on an internal fault names no detail of it, whatever NODE_ENV says.
      isProd: true,
      // A refused credential closes the socket with 4403; a fault (the database) with 4500.
      onConnect: async (ctx) => {
        try {
          ctx.extra.viewer = await authenticator.viewerOf(authorizationOf(ctx.connectionParams));
        } catch (error) {
          if (error instanceof GraphQLError) return false;
          throw error;
        }
        credentials.watch(ctx.extra.socket, ctx.extra.viewer);
        return true;
      },
      // The same gate as HTTP, in the same order, before anything runs: text, parse, validation, operation.
      onSubscribe: async (ctx, _id, payload) => {
        const source = gate.sourceOf(payload.query, payload.extensions);
        if (source instanceof GraphQLError) return [source];
        const refusedText = gate.admitSource(source);
        if (refusedText) return [refusedText];
        let document;
        try {
          document = parse(source, { maxTokens: config.queryMaxTokens });
        } catch (error) {
          return [documentError(error as GraphQLError, 'GRAPHQL_PARSE_FAILED', config.production)];
        }
        const invalid = validate(schema, document, validationRules);
        if (invalid.length > 0) return invalid.map((error) => documentError(error, 'GRAPHQL_VALIDATION_FAILED', config.production));
        const viewer = ctx.extra.viewer!;
        const { refused } = await gate.admit({
          schema, document, viewer, variables: payload.variables ?? undefined, operationName: payload.operationName,
          caller: callerKey(viewer, ctx.extra.request.socket.remoteAddress),
        });
        if (refused) return [refused];
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(config, database, events, ctx.extra.viewer!),
        };
      },
      // The same masking as HTTP's formatError, for results, events and refusals alike.
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors),
    },
    wsServer,
  );
  return {
    dispose: async () => {
      credentials.stop();
      await served.dispose();
    },
  };
}
