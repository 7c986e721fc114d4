import {
  getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type ExecutionResult, type GraphQLFormattedError, type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
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
import { logger } from '../logger';
import { formatErrors, formatResult } from './format-error';
import type { Gate } from './gate';
import { activeSubscriptions, activeWebSockets, countEventsDelivered, countOperation, operationLabel } from './metrics';
import { callerKey, type RateLimitStatus } from './rate-limit';

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

/** One operation of a socket, from its subscribe message to its end: what its log line and metrics say. */
class SocketOperation {
  private readonly started = process.hrtime.bigint();
  name: string | null = null;
  /** `query`, `mutation` or `subscription` once the document's operation is chosen; null for a refused one. */
  type: OperationTypeNode | null = null;
  /** A subscription whose event stream runs (one refused by its resolver never does). */
  streaming = false;
  /** The budget left after this operation was charged, for its answer as over HTTP; null when rate limiting is off. */
  rateLimit: RateLimitStatus | null = null;
  readonly errorCodes = new Set<string>();

  constructor(private readonly viewer: Viewer | undefined) {}

  /** The codes the client was answered with (after masking: a database fault is SERVICE_UNAVAILABLE). */
  noteErrors(errors: readonly GraphQLFormattedError[] | undefined): void {
    for (const error of errors ?? []) this.errorCodes.add(String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
  }

  /** One line per operation, as HTTP has per request; a subscription's line comes when it ends. Never variables. */
  finish(): void {
    const durationMs = Number(process.hrtime.bigint() - this.started) / 1e6;
    const operation = operationLabel(this.name, this.type !== null);
    const ok = this.errorCodes.size === 0;
    countOperation('websocket', operation, ok, this.type === 'subscription' ? undefined : durationMs / 1000);
    if (this.streaming) activeSubscriptions.dec();
    logger.info({
      operation: this.name, operationType: this.type,
      viewerSubject: this.viewer?.subject ?? null, viewerRole: this.viewer?.role ?? null, durationMs: Math.round(durationMs), errorCodes: [...this.errorCodes],
    }, 'graphql operation over websocket');
  }
}

/** graphql-ws (protocol graphql-transport-ws) on the GraphQL path; returns its disposer. */
export function serveWebSocket(
  httpServer: http.Server, path: string, schema: GraphQLSchema, config: Config, database: Database, events: EventHub, authenticator: Authenticator,
  gate: Gate,
): Disposable {
  const validationRules = config.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const wsServer = new WebSocketServer({ server: httpServer, path });
  wsServer.on('connection', (socket) => {
    activeWebSockets.inc();
    socket.once('close', () => activeWebSockets.dec());
  });
  const credentials = new CredentialWatch(events);
  const served = useServer<Record<string, unknown>, { viewer?: Viewer; operations?: Map<string, SocketOperation> }>(
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
      onSubscribe: async (ctx, id, payload) => {
        const operation = new SocketOperation(ctx.extra.viewer);
        (ctx.extra.operations ??= new Map()).set(id, operation);
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
        let admitted;
        try {
          admitted = await gate.admit({
            schema, document, viewer, variables: payload.variables ?? undefined, operationName: payload.operationName,
            caller: callerKey(viewer, ctx.extra.request.socket.remoteAddress),
          });
        } catch (error) {
          // The budget's database failed: this operation answers as HTTP would (SERVICE_UNAVAILABLE,
          // or INTERNAL_SERVER_ERROR with the fault in the log) and the socket stays open; a throw
          // here would make graphql-ws close it and print the driver's error, parameters and all.
          return [new GraphQLError(error instanceof Error ? error.message : String(error), { originalError: error instanceof Error ? error : undefined })];
        }
        const { refused, rateLimit } = admitted;
        if (refused) return [refused];
        operation.rateLimit = rateLimit;
        const chosen = getOperationAST(document, payload.operationName);
        operation.type = chosen?.operation ?? null;
        operation.name = chosen?.name?.value ?? null;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: createContext(config, database, events, ctx.extra.viewer!),
        };
      },
      // The same masking as HTTP's formatError, for results, events and refusals alike.
      onOperation: (ctx, id, _payload, _args, result) => {
        const operation = ctx.extra.operations?.get(id);
        if (operation && Symbol.asyncIterator in result) {
          operation.streaming = true;
          activeSubscriptions.inc();
        }
      },
      onNext: (ctx, id, _payload, _args, answer) => {
        const result = answer as ExecutionResult;
        const operation = ctx.extra.operations?.get(id);
        const formatted = formatResult(result);
        operation?.noteErrors(formatted?.errors);
        if (operation?.streaming && result.data) countEventsDelivered('subscription');
        // A query's or mutation's answer says what is left, as over HTTP; a subscription's events were not charged each.
        if (!operation?.rateLimit || operation.streaming) return formatted;
        const answered = formatted ?? result;
        return { ...answered, extensions: { ...answered.extensions, rateLimit: operation.rateLimit } };
      },
      // A refusal (from onSubscribe) ends the operation here; an error during a subscription is followed by onComplete.
      onError: (ctx, id, _payload, errors) => {
        const operation = ctx.extra.operations?.get(id);
        const formatted = formatErrors(errors);
        operation?.noteErrors(formatted);
        if (operation && operation.type === null) {
          ctx.extra.operations!.delete(id);
          operation.finish();
        }
        return formatted;
      },
      onComplete: (ctx, id) => {
        const operation = ctx.extra.operations?.get(id);
        ctx.extra.operations?.delete(id);
        operation?.finish();
      },
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
