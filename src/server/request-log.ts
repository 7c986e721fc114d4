import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Context } from '../context';
import { logger, requestScope } from '../logger';
import { countOperation, operationLabel } from './metrics';

const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * A caller's (or its proxy's) own request id is kept when it is a plain token: anything else
 * would let a client write arbitrary text, personal data included, into every line of the request.
 */
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A new request id. The log masks any run of 11 digits that looks like a mobile number, so an id
 * holding one would be logged differently from the header that answered it: such ids are drawn again.
 */
function newRequestId(): string {
  let id = randomUUID();
  while (/[0-9]{11}/.test(id)) id = randomUUID();
  return id;
}

/** The request's id: the incoming `X-Request-Id` when acceptable, else a new one; answered in the same header. */
function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : newRequestId();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * For plain HTTP routes (Open311): the request's id in the `X-Request-Id` header and on every
 * line logged while serving it, as requestLog() gives GraphQL requests.
 */
export function withRequestId(): RequestHandler {
  return (req, res, next) => {
    req.id = requestIdOf(req, res);
    requestScope.run({ reqId: String(req.id) }, next);
  };
}

/** What one GraphQL request's log line says besides its id, method, status and duration. Never variables or bodies. */
interface RequestSummary {
  operation: string | null;
  viewerSubject: string | null;
  viewerRole: string | null;
  errorCodes: string[];
}

/** The summary being filled in, and whether an operation of the document was chosen (for the metrics' label). */
interface RequestState {
  summary: RequestSummary;
  resolved: boolean;
}

/** The state of the request being served, for the Apollo plugin that fills it in. */
const current = new AsyncLocalStorage<RequestState>();
const states = new WeakMap<ServerResponse, RequestState>();

function line(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  return { method: req.method, status: res.statusCode, durationMs: responseTime, ...states.get(res)?.summary };
}

/**
 * One line per request on the GraphQL path (pino-http), with its id and what the plugin below
 * learnt, and the request counted in the metrics by the same figures.
 */
export function requestLog(): RequestHandler {
  const log = pinoHttp({
    logger,
    // Headers carry tokens and the URL of a GET carries variables: neither is bound to the line.
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessObject: (req, res, value) => line(req, res, value.responseTime),
    customErrorObject: (req, res, _error, value) => line(req, res, value.responseTime),
    customSuccessMessage: () => 'graphql request',
    customErrorMessage: () => 'graphql request failed',
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // pino-http takes the id from here.
    req.id = requestIdOf(req, res);
    const state: RequestState = { summary: { operation: null, viewerSubject: null, viewerRole: null, errorCodes: [] }, resolved: false };
    states.set(res, state);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const ok = res.statusCode < 400 && state.summary.errorCodes.length === 0;
      countOperation('http', operationLabel(state.summary.operation, state.resolved), ok, seconds);
    });
    requestScope.run({ reqId: String(req.id) }, () => current.run(state, () => log(req, res, next)));
  };
}

/** Fills the request's summary: the operation, the viewer and the codes of the errors answered. */
export const requestLogPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    const state = current.getStore();
    if (!state) return;
    return {
      async willSendResponse({ contextValue, operation, operationName, response }) {
        const { summary } = state;
        state.resolved = operation !== undefined;
        summary.operation = operationName ?? null;
        summary.viewerSubject = contextValue.viewer?.subject ?? null;
        summary.viewerRole = contextValue.viewer?.role ?? null;
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors ?? [] : [];
        summary.errorCodes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
      },
    };
  },
};
