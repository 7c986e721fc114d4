import type { ApolloServerPlugin } from '@apollo/server';
import type { ErrorRequestHandler } from 'express';
import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from 'graphql';
import { logger } from '../logger';
import { maskPersonalNumbers } from '../modules/grid/identity';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
export const UNAVAILABLE_MESSAGE = 'The database is unavailable for a moment; retry the request.';
export const TIMEOUT_MESSAGE = 'The request ran longer than the server allows and was stopped; ask for less (smaller pages, fewer fields).';

/**
 * postgres.js codes and SQLSTATEs that mean the server is down, restarting or unreachable,
 * not that the request was wrong: 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot
 * connect now, 53300 too many connections; class 08 (connection exception) is matched below.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300',
]);

function isUnavailableCode(code: unknown): boolean {
  return typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code));
}

/**
 * The first code in an error's chain (GraphQL's originalError, drizzle's DrizzleQueryError
 * cause, an AggregateError of a multi-address connect) that `matches`; null when none does.
 */
function codeInChain(error: unknown, matches: (code: unknown) => boolean, depth = 0): string | null {
  if (!error || typeof error !== 'object' || depth > 8) return null;
  const candidate = error as { code?: unknown; cause?: unknown; originalError?: unknown; errors?: unknown };
  if (matches(candidate.code)) return candidate.code as string;
  const inner = [...(Array.isArray(candidate.errors) ? candidate.errors : []), candidate.originalError, candidate.cause];
  for (const wrapped of inner) {
    const code = codeInChain(wrapped, matches, depth + 1);
    if (code) return code;
  }
  return null;
}

/** The code by which an error, or anything it wraps, says the database is unreachable; null when it says nothing of the kind. */
export function databaseUnavailableCode(error: unknown): string | null {
  return codeInChain(error, isUnavailableCode);
}

/** SQLSTATE 57014: PostgreSQL cancelled a statement that ran past `STATEMENT_TIMEOUT_MS`. */
const STATEMENT_TIMEOUT = '57014';

/** Repeating the same request would take as long again: the client must ask for less. */
const timedOut = (formatted: GraphQLFormattedError): GraphQLFormattedError => ({
  message: TIMEOUT_MESSAGE,
  path: formatted.path,
  locations: formatted.locations,
  extensions: { code: 'TIMEOUT' },
});

/** The client may repeat the request unchanged once the database is back (a mutation rolled back). */
const unavailable = (formatted?: GraphQLFormattedError): GraphQLFormattedError => ({
  message: UNAVAILABLE_MESSAGE,
  path: formatted?.path,
  locations: formatted?.locations,
  extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
});

/** Internal faults keep their details in the log; the client gets the code only (API.md). */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
    const unavailableCode = databaseUnavailableCode(error);
    if (unavailableCode) {
      // The code only: the driver's error quotes the statement and its parameters, personal data among them.
      logger.warn({ code: unavailableCode }, 'database unavailable');
      return unavailable(formatted);
    }
    if (codeInChain(error, (c) => c === STATEMENT_TIMEOUT)) {
      logger.warn({ code: STATEMENT_TIMEOUT }, 'statement timeout');
      return timedOut(formatted);
    }
    logger.error({ err: error }, 'internal error');
    return { message: INTERNAL_ERROR_MESSAGE, path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  // The last line of defence: a message that quotes an ID number or a mobile number masks it.
  return { ...formatted, message: maskPersonalNumbers(formatted.message) };
}

/** graphql-ws has no formatError of its own: its results and errors go through the same masking. */
export function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => formatError(error instanceof GraphQLError ? error.toJSON() : { message: String(error) }, error));
}

/** Whether graphql made this error itself (variable coercion), with no fault of ours anywhere in its chain. */
function madeByGraphQL(error: GraphQLError): boolean {
  for (let inner: unknown = error; inner; inner = (inner as GraphQLError).originalError) {
    if (!(inner instanceof GraphQLError)) return false;
  }
  return true;
}

/**
 * A graphql-ws result, masked as HTTP masks it. A result without data never ran: its errors
 * are the request's own (variables that do not coerce), BAD_USER_INPUT as Apollo says over HTTP.
 */
export function formatResult(result: ExecutionResult): FormattedExecutionResult | undefined {
  if (!result.errors) return undefined;
  const requestErrors = result.data === undefined;
  const errors = result.errors.map((error) => (requestErrors && error.extensions.code === undefined && madeByGraphQL(error)
    ? new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } })
    : error));
  return { ...result, errors: formatErrors(errors) };
}

/** HTTP 503 when the database is unavailable, so proxies and clients retry (formatError cannot set a status). */
export const unavailableStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        if (response.body.singleResult.errors?.some((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) {
          response.http.status = 503;
          response.http.headers.set('retry-after', '1');
        }
      },
    };
  },
};

/**
 * The last express error handler: a body that is not JSON, too large, or a fault in a route
 * answers a short JSON error, never express's default page with its stack trace.
 */
export const httpErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : undefined;
  if (status !== undefined) {
    const message = status === 413 ? 'The request body is too large.' : status === 415 ? 'The request body has an unsupported encoding.' : 'The request body is not valid JSON.';
    res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  const unavailableCode = databaseUnavailableCode(error);
  if (unavailableCode) {
    logger.warn({ code: unavailableCode }, 'database unavailable');
    res.status(503).set('retry-after', '1').json({ errors: [unavailable()] });
    return;
  }
  logger.error({ err: error }, 'internal error');
  res.status(500).json({ errors: [{ message: INTERNAL_ERROR_MESSAGE, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
};
