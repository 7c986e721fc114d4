import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import { GraphQLError } from 'graphql';
import { allows, hasTopic, type Rule } from '../../auth/access';
import type { Authenticator } from '../../auth/authenticator';
import { ApiKeyTopic } from '../../auth/topics';
import { ANONYMOUS, type Viewer } from '../../auth/viewer';
import type { Config } from '../../config';
import { createContext } from '../../context';
import type { Database } from '../../db/client';
import type { EventHub } from '../../events/hub';
import { logger } from '../../logger';
import { databaseUnavailableCode } from '../../server/format-error';
import { callerKey, operationCharge, RateLimiter } from '../../server/rate-limit';
import { withRequestId } from '../../server/request-log';
import { isApiKey } from '../integrator/integrator.keys';
import { open311Error, readFiledRequest, readRequestQuery, requestIdOfPath, SERVICE_CODES, type Open311Error } from './open311.mapping';
import { fileRequest, findRequests, listServices, MAX_REQUESTS, OPEN311_FILERS, OPEN311_READERS } from './open311.service';

export const OPEN311_PATH = '/open311/v2';

/** A request form is a few short fields; a description has at most 2,000 characters. */
const BODY_LIMIT = '64kb';

/** Fields of one service and of one request: the query cost of the same answer through GraphQL. */
const SERVICE_FIELDS = 7;
const REQUEST_FIELDS = 17;
const RECEIPT_FIELDS = 3;

function refuse(res: Response, status: number, errors: Open311Error[]): void {
  res.status(status).json(errors);
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Open311's credential is the `api_key` field (query or form); a Bearer header is taken as
 * well. Open311 answers a missing or wrong key with 403, and so do we here. Only an API key
 * travels in `api_key`: a person's token does not belong in a URL.
 */
async function open311Viewer(req: Request, res: Response, authenticator: Authenticator, rule: Rule, what: string): Promise<Viewer | null> {
  const apiKey = stringField(req.query.api_key) ?? stringField((req.body as Record<string, unknown> | undefined)?.api_key);
  if (apiKey !== undefined && !isApiKey(apiKey)) {
    refuse(res, 403, open311Error(403, 'api_key: not an API key of this server (they start with ggk_).'));
    return null;
  }
  let viewer: Viewer;
  try {
    viewer = await authenticator.viewerOf(apiKey !== undefined ? `Bearer ${apiKey}` : req.header('authorization'));
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    refuse(res, 403, open311Error(403, `api_key: ${error.message}`));
    return null;
  }
  res.locals.viewer = viewer;
  if (viewer.role === null) {
    refuse(res, 403, open311Error(403, `api_key: ${what} needs an API key (or a Bearer token).`));
    return null;
  }
  if (!allows(rule, viewer) || !hasTopic(viewer, ApiKeyTopic.INCIDENTS)) {
    const why = viewer.role === 'INTEGRATOR' && allows(rule, viewer) ? 'this API key lacks the INCIDENTS topic' : `a ${viewer.role} may not`;
    refuse(res, 403, open311Error(403, `api_key: ${what}: ${why}.`));
    return null;
  }
  return viewer;
}

/** One line per Open311 request, with its id: never the query string (it carries the key) nor the body (it may carry a phone or e-mail). */
function requestLog(): express.RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const viewer = res.locals.viewer as Viewer | undefined;
      logger.info({
        reqId: req.id,
        method: req.method,
        path: req.baseUrl + req.path,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        viewerSubject: viewer?.subject ?? null,
        viewerRole: viewer?.role ?? null,
      }, 'open311 request');
    });
    next();
  };
}

/** Bodies that do not parse, and faults, answered in Open311's error shape. */
const errorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : undefined;
  if (status !== undefined) {
    refuse(res, status, open311Error(status, status === 413 ? 'The request body is too large.' : 'The request body is not valid form data or JSON.'));
    return;
  }
  const unavailable = databaseUnavailableCode(error);
  if (unavailable) {
    logger.warn({ code: unavailable }, 'database unavailable');
    res.set('retry-after', '1');
    refuse(res, 503, open311Error(503, 'The database is unavailable for a moment; retry the request.'));
    return;
  }
  logger.error({ err: error }, 'open311 request failed');
  refuse(res, 500, open311Error(500, 'Internal server error'));
};

/**
 * Open311 GeoReport v2 (JSON): `services.json`, `requests.json` (GET and POST) and
 * `requests/<id>.json`, over the incident service. Mapping rules: open311.mapping.ts.
 */
export function open311Routes(config: Config, database: Database, events: EventHub, authenticator: Authenticator): express.Router {
  const router = express.Router();
  const contextOf = (viewer: Viewer) => createContext(config, database, events, viewer);
  const limiter = config.rateLimitPointsPerHour > 0 ? new RateLimiter(database.housekeeping, config.rateLimitPointsPerHour) : null;

  /** The same hourly budget as GraphQL, charged as the same answer would cost there; 429 with Retry-After past it. */
  async function charged(req: Request, res: Response, viewer: Viewer, cost: number, writes: number): Promise<boolean> {
    if (!limiter) return true;
    const { refused } = await limiter.charge(
      callerKey(viewer, req.socket.remoteAddress),
      operationCharge(cost, writes, config.rateLimitMutationWeight, config.rateLimitCostUnit),
    );
    if (!refused) return true;
    res.set('retry-after', String(refused.extensions.retryAfter));
    refuse(res, 429, open311Error(429, refused.message));
    return false;
  }

  router.use(OPEN311_PATH, withRequestId(), requestLog());

  router.get(`${OPEN311_PATH}/services.json`, async (req, res) => {
    if (!(await charged(req, res, ANONYMOUS, SERVICE_CODES.length * SERVICE_FIELDS, 0))) return;
    res.json(await listServices(database.db));
  });

  router.get(`${OPEN311_PATH}/requests.json`, async (req, res) => {
    const viewer = await open311Viewer(req, res, authenticator, OPEN311_READERS, 'Reading service requests');
    if (!viewer || !(await charged(req, res, viewer, MAX_REQUESTS * REQUEST_FIELDS, 0))) return;
    const read = readRequestQuery(req.query);
    if ('errors' in read) return refuse(res, 400, read.errors);
    res.json(await findRequests(contextOf(viewer), read.query));
  });

  router.get(`${OPEN311_PATH}/requests/:id.json`, async (req, res) => {
    const viewer = await open311Viewer(req, res, authenticator, OPEN311_READERS, 'Reading a service request');
    if (!viewer || !(await charged(req, res, viewer, REQUEST_FIELDS, 0))) return;
    const id = requestIdOfPath(String(req.params.id));
    const found = id === null ? [] : await findRequests(contextOf(viewer), { ids: [id] });
    if (found.length === 0) return refuse(res, 404, open311Error(404, 'service_request_id: no service request you may read has this id.'));
    res.json(found);
  });

  router.post(
    `${OPEN311_PATH}/requests.json`,
    express.urlencoded({ extended: false, limit: BODY_LIMIT }),
    express.json({ limit: BODY_LIMIT }),
    async (req, res) => {
      const viewer = await open311Viewer(req, res, authenticator, OPEN311_FILERS, 'Filing a service request');
      if (!viewer || !(await charged(req, res, viewer, RECEIPT_FIELDS, 1))) return;
      const read = readFiledRequest((req.body ?? {}) as Record<string, unknown>);
      if ('errors' in read) return refuse(res, 400, read.errors);
      const outcome = await fileRequest(contextOf(viewer), read.request, req.header('idempotency-key'));
      if ('errors' in outcome) return refuse(res, outcome.status, outcome.errors);
      res.json(outcome.receipt);
    },
  );

  router.use(OPEN311_PATH, (_req, res) => {
    refuse(res, 404, open311Error(404, 'No such Open311 resource. This server answers GeoReport v2 in JSON: services.json, requests.json, requests/<id>.json.'));
  });
  router.use(OPEN311_PATH, errorHandler);
  return router;
}
