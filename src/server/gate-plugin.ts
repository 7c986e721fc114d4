import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { Context } from '../context';
import type { Gate } from './gate';
import { callerKey, type RateLimitStatus } from './rate-limit';

/** Refusals of the request itself: the client must change it, not repeat it. */
const BAD_REQUEST_CODES = new Set(['QUERY_TOO_COMPLEX', 'BAD_USER_INPUT']);

/** The gate's transport-neutral refusal with its HTTP status (and Retry-After when rate limited). */
function forHttp(error: GraphQLError): GraphQLError {
  const code = error.extensions.code;
  if (error.extensions.http) return error;
  if (code === 'RATE_LIMITED') {
    const headers = new HeaderMap([['retry-after', String(error.extensions.retryAfter)]]);
    return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 429, headers } } });
  }
  if (typeof code === 'string' && BAD_REQUEST_CODES.has(code)) {
    return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 400 } } });
  }
  if (code === 'FORBIDDEN') return new GraphQLError(error.message, { extensions: { ...error.extensions, http: { status: 403 } } });
  return error;
}

/** graphql-js would run a subscription over HTTP as a stream Apollo cannot send: tell the client where it goes. */
const SUBSCRIPTION_OVER_HTTP = new GraphQLError(
  'Subscriptions are served over WebSocket on this same path (graphql-ws, protocol graphql-transport-ws), not over HTTP.',
  { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
);

interface HttpParams {
  query?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } };
}

/** The operation's parameters from a GET's search string or a POST's JSON body; null for a batch or a malformed request (Apollo answers those). */
function paramsOf(req: Parameters<RequestHandler>[0]): HttpParams | null {
  if (req.method === 'GET') {
    const { query, extensions } = req.query as Record<string, unknown>;
    try {
      return { query, extensions: typeof extensions === 'string' ? JSON.parse(extensions) : undefined };
    } catch {
      return null;
    }
  }
  const body: unknown = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as HttpParams) : null;
}

/** The gate on the HTTP path: the text before Apollo parses it, the operation in Apollo's pipeline. */
export class HttpGate {
  private readonly addresses = new WeakMap<Context, string | undefined>();

  constructor(private readonly schema: GraphQLSchema, private readonly gate: Gate) {}

  /** Notes where a request came from: anonymous callers pay from their address's budget. */
  remember(context: Context, remoteAddress: string | undefined): Context {
    this.addresses.set(context, remoteAddress);
    return context;
  }

  /**
   * The checks on the text (allow-list, tokens), before Apollo parses it: a refusal is answered
   * here, since Apollo turns an error thrown before parsing into an internal error.
   */
  sourceCheck(): RequestHandler {
    const { gate } = this;
    return (req, res, next) => {
      const params = paramsOf(req);
      const hash = params?.extensions?.persistedQuery?.sha256Hash;
      const source = typeof params?.query === 'string'
        ? params.query
        : typeof hash === 'string' ? gate.allowList?.bodyOf(hash) : undefined;
      // No text: Apollo answers PERSISTED_QUERY_NOT_FOUND or finds text that passed here when registered.
      const refused = source === undefined ? null : gate.admitSource(source);
      if (!refused) return next();
      res.status(400).json({ errors: [refused.toJSON()] });
    };
  }

  plugin(): ApolloServerPlugin<Context> {
    const { schema, gate, addresses } = this;
    return {
      async requestDidStart({ request }) {
        // An allow-listed operation sent by hash alone: Apollo's APQ step finds its text here.
        const hash = request.extensions?.persistedQuery?.sha256Hash;
        if (gate.allowList && request.query === undefined && typeof hash === 'string') request.query = gate.allowList.bodyOf(hash);
        let rateLimit: RateLimitStatus | null = null;
        return {
          async didResolveOperation({ document, operation, contextValue, request: { variables, operationName } }) {
            if (operation?.operation === 'subscription') throw SUBSCRIPTION_OVER_HTTP;
            const caller = callerKey(contextValue.viewer, addresses.get(contextValue));
            const verdict = await gate.admit({ schema, document, viewer: contextValue.viewer, variables, operationName, caller });
            if (verdict.refused) throw forHttp(verdict.refused);
            rateLimit = verdict.rateLimit;
          },
          async willSendResponse({ response }) {
            if (rateLimit && response.body.kind === 'single') {
              response.body.singleResult.extensions = { ...response.body.singleResult.extensions, rateLimit };
            }
          },
        };
      },
    };
  }
}
