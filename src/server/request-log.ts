import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import type { Context } from '../context';
import { logger } from '../logger';

/** What one GraphQL request's log line says besides method, status and duration. Never variables or bodies. */
interface RequestSummary {
  operation: string | null;
  viewerSubject: string | null;
  viewerRole: string | null;
  errorCodes: string[];
}

/** The summary of the request being served, for the Apollo plugin that fills it in. */
const current = new AsyncLocalStorage<RequestSummary>();
const summaries = new WeakMap<ServerResponse, RequestSummary>();

function line(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  return { method: req.method, status: res.statusCode, durationMs: responseTime, ...summaries.get(res) };
}

/** One line per request on the GraphQL path (pino-http), with what the plugin below learnt. */
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
    const summary: RequestSummary = { operation: null, viewerSubject: null, viewerRole: null, errorCodes: [] };
    summaries.set(res, summary);
    current.run(summary, () => log(req, res, next));
  };
}

/** Fills the request's summary: the operation, the viewer and the codes of the errors answered. */
export const requestLogPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    const summary = current.getStore();
    if (!summary) return;
    return {
      async willSendResponse({ contextValue, operationName, response }) {
        summary.operation = operationName ?? null;
        summary.viewerSubject = contextValue.viewer?.subject ?? null;
        summary.viewerRole = contextValue.viewer?.role ?? null;
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors ?? [] : [];
        summary.errorCodes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
      },
    };
  },
};
