import { and, count, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { createHmac, randomBytes } from 'node:crypto';
import { Role, type UnitType } from '../../auth/roles';
import { ALL_TOPICS, type ApiKeyTopic } from '../../auth/topics';
import { unitOfRole, type Unit, type Viewer } from '../../auth/viewer';
import type { Queryable, Tx } from '../../db/client';
import { appendEvent, latestEventId, prunedThrough } from '../../events/outbox';
import type { EventScope } from '../../events/outbox.tables';
import { eventCursor } from '../../events/stream';
import { OrderDirection, paginate, type ForwardPageArgs } from '../../graphql/connection';
import { keyOf, refuse, UserErrorCode, UserErrors } from '../../graphql/errors';
import { fromGlobalId } from '../../graphql/ids';
import type { ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { assertMayChange } from '../grid/grid.service';
import { apiKeyScope, placementOf } from '../integrator/integrator.service';
import { subjectOfKey } from '../integrator/integrator.store';
import { apiKeys } from '../integrator/integrator.tables';
import { urlProblem, type AddressPolicy } from './webhook.address';
import type * as In from './webhook.inputs';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from './webhook.tables';
import { WebhookDeliveryStatus } from './webhook.types';

export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type AttemptRow = typeof webhookAttempts.$inferSelect;
type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * Written to the outbox on a replay or when an endpoint is enabled, so that the workers of
 * every process wake now rather than at their next poll. It concerns no place of the city:
 * no subscription and no endpoint matches its topic.
 */
export const WEBHOOK_WAKE_TOPIC = 'webhookWake';
const NOWHERE: EventScope = { districtId: 0, streetId: 0, communityId: 0, gridId: 0, gridCode: '' };
/** An API key keeps at most this many endpoints. */
export const MAX_ENDPOINTS_PER_KEY = 10;

// Signing ----------------------------------------------------------------------------------------

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * X-Gridgov-Signature: `sha256=` and the hex HMAC-SHA256, keyed with the endpoint's secret
 * (the whole `whsec_…` string, as UTF-8), of `<X-Gridgov-Timestamp>.<body>`. The timestamp
 * is in the signed text so a receiver can refuse an old request replayed by someone else.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

// The retry ladder -------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** After attempt n (1-based) fails, the next comes this much later; after the fifth retry, daily. */
export const RETRY_DELAYS_MS = [MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR] as const;
/** A round of attempts gives up when the next would fall later than this after its first. */
export const GIVE_UP_AFTER_MS = 7 * DAY;

/**
 * When to try again after the `attemptsMade`-th attempt of a round failed at `failedAt`
 * (the first attempt is immediate); null: give up.
 */
export function nextAttemptAt(roundStartedAt: Date, attemptsMade: number, failedAt: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attemptsMade - 1] ?? DAY;
  const next = new Date(failedAt.getTime() + delay);
  return next.getTime() - roundStartedAt.getTime() > GIVE_UP_AFTER_MS ? null : next;
}

// Keeping deliveries ---------------------------------------------------------------------------

/** Delivered and given-up deliveries stay this long for integrators to inspect and replay. */
export const DELIVERY_RETENTION_MS = 30 * DAY;

/** Deletes finished deliveries (and their attempts) older than the retention; pending and retrying ones stay. */
export async function pruneWebhookDeliveries(db: Queryable, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DELIVERY_RETENTION_MS);
  const deleted = await db.delete(webhookDeliveries)
    .where(and(inArray(webhookDeliveries.status, [WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.GAVE_UP]), lt(webhookDeliveries.createdAt, cutoff)))
    .returning({ id: webhookDeliveries.id });
  return deleted.length;
}

// Rows as served ---------------------------------------------------------------------------------

export function unitOfRow(row: { unitType: string | null; unitKey: number | null }): Unit | null {
  return row.unitType === null || row.unitKey === null ? null : { type: row.unitType as UnitType, key: row.unitKey };
}

function topicsOf(topics: readonly string[]): ApiKeyTopic[] {
  return topics.filter((t): t is ApiKeyTopic => (ALL_TOPICS as readonly string[]).includes(t));
}

const endpointNode = nodeMapper<EndpointRow>('WebhookEndpoint');

export function asEndpoint(row: EndpointRow) {
  const { secret: _secret, ...node } = endpointNode(row);
  return {
    ...node,
    topics: topicsOf(row.topics),
    unit: unitOfRow(row),
    lastEventCursor: row.cursor > 0 ? eventCursor(row.cursor) : null,
    createdBy: { subject: row.createdBySubject, role: row.createdByRole as Role },
  };
}
export type EndpointNode = ReturnType<typeof asEndpoint>;

const deliveryNode = nodeMapper<DeliveryRow>('WebhookDelivery');

export function asDelivery(row: DeliveryRow) {
  return { ...deliveryNode(row), eventCursor: eventCursor(row.eventId), status: row.status as WebhookDeliveryStatus, topic: row.topic as ApiKeyTopic };
}
export type DeliveryNode = ReturnType<typeof asDelivery>;

export const asAttempt = nodeMapper<AttemptRow>('WebhookAttempt');

/** The viewer of an endpoint's key: what its events are scoped and masked for. */
export function viewerOfKey(key: Pick<ApiKeyRow, 'id' | 'unitType' | 'unitKey' | 'topics'>): Viewer {
  return { subject: subjectOfKey(key.id), role: Role.INTEGRATOR, unit: unitOfRow(key), topics: topicsOf(key.topics), expiresAt: null };
}

// Scope ------------------------------------------------------------------------------------------

/** The key of an integrator's own API key, from its subject `apikey:<id>`. */
function ownKey(viewer: Viewer): number | null {
  if (viewer.role !== Role.INTEGRATOR || !viewer.subject?.startsWith('apikey:')) return null;
  return Number(viewer.subject.slice('apikey:'.length));
}

/** The endpoints a viewer sees and changes: an integrator its key's, an administrator those of the keys they manage. */
export function endpointScope(viewer: Viewer): SQL | undefined {
  const own = ownKey(viewer);
  if (own !== null) return eq(webhookEndpoints.apiKeyId, own);
  const keys = apiKeyScope(viewer);
  return keys === undefined ? undefined : sql`${webhookEndpoints.apiKeyId} in (select ${apiKeys.id} from ${apiKeys} where ${keys})`;
}

export function deliveryScope(viewer: Viewer): SQL | undefined {
  const endpoints = endpointScope(viewer);
  return endpoints === undefined ? undefined : sql`${webhookDeliveries.endpointId} in (select ${webhookEndpoints.id} from ${webhookEndpoints} where ${endpoints})`;
}

export function listEndpoints(db: Queryable, viewer: Viewer, args: ForwardPageArgs) {
  return paginate(db, {
    table: webhookEndpoints,
    where: endpointScope(viewer),
    ordering: { column: webhookEndpoints.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asEndpoint,
  });
}

/** Newest first. An endpoint ID of another type or out of scope lists nothing. */
export function listDeliveries(db: Queryable, viewer: Viewer, args: ForwardPageArgs, filter: In.WebhookDeliveryFilter | null | undefined) {
  const endpoint = filter?.endpointId ? fromGlobalId(filter.endpointId, 'WebhookEndpoint') : null;
  return paginate(db, {
    table: webhookDeliveries,
    where: and(
      deliveryScope(viewer),
      filter?.endpointId ? eq(webhookDeliveries.endpointId, endpoint?.key ?? 0) : undefined,
      filter?.statuses?.length ? inArray(webhookDeliveries.status, filter.statuses) : undefined,
    ),
    ordering: { column: webhookDeliveries.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asDelivery,
  });
}

/** A delivery's attempts, oldest first. */
export const attemptsOfDelivery: ChildList<AttemptRow, ReturnType<typeof asAttempt>> = {
  name: 'WebhookDelivery.attempts',
  table: webhookAttempts,
  parentColumn: webhookAttempts.deliveryId,
  parentKey: 'deliveryId',
  ordering: { column: webhookAttempts.id, key: 'id', direction: OrderDirection.ASC },
  map: asAttempt,
};

// Registering and changing endpoints -----------------------------------------------------------

/** The key an endpoint is for: an integrator's own, or one the administrator manages. */
async function keyFor(tx: Tx, viewer: Viewer, apiKeyId: string | null | undefined): Promise<ApiKeyRow> {
  const field = ['input', 'apiKeyId'];
  const own = ownKey(viewer);
  let key: number;
  if (own !== null) {
    key = apiKeyId ? keyOf(apiKeyId, 'ApiKey', field) : own;
    if (key !== own) refuse(field, UserErrorCode.NOT_FOUND, 'An integrator registers endpoints for its own key only; leave apiKeyId out.');
  } else {
    if (!apiKeyId) refuse(field, UserErrorCode.REQUIRED, 'Name the API key the endpoint delivers for.');
    key = keyOf(apiKeyId, 'ApiKey', field);
  }
  const [row] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, key), own !== null ? undefined : apiKeyScope(viewer)));
  if (!row) refuse(field, UserErrorCode.NOT_FOUND, 'No API key you manage has this ID.');
  if (row.revokedAt !== null) refuse(field, UserErrorCode.INVALID_TRANSITION, 'This API key is revoked.');
  return row;
}

function checkTopics(key: ApiKeyRow, topics: readonly ApiKeyTopic[]): void {
  const missing = topics.filter((t) => !key.topics.includes(t));
  if (missing.length > 0) refuse(['input', 'topics'], UserErrorCode.OUT_OF_SCOPE, `The API key does not have the topic ${missing.join(', ')}.`);
}

/** A unit of the filter: one of the hierarchy, within the key's subtree. */
async function unitWithinKey(tx: Tx, key: ApiKeyRow, unitId: string | null | undefined): Promise<Unit | null> {
  const field = ['input', 'unitId'];
  const checked = unitOfRole(Role.INTEGRATOR, unitId);
  if ('problem' in checked) refuse(field, UserErrorCode.INVALID, 'The unit must be the ID of a District, Street, Community or Grid.');
  const unit = checked.unit;
  if (unit === null) return null;
  const place = await placementOf(tx, unit);
  if (!place) refuse(field, UserErrorCode.NOT_FOUND, `No ${unit.type.toLowerCase()} has this ID.`);
  try {
    await assertMayChange(tx, viewerOfKey(key), place, field);
  } catch (error) {
    if (error instanceof UserErrors) refuse(field, UserErrorCode.OUT_OF_SCOPE, 'The unit lies outside the API key\'s part of the city.');
    throw error;
  }
  return unit;
}

function checkUrl(raw: string, policy: AddressPolicy): string {
  const url = raw.trim();
  const problem = urlProblem(url, policy);
  if (problem) refuse(['input', 'url'], UserErrorCode.INVALID, problem);
  return url;
}

/** Where fan-out starts: the current head, or a given event cursor within the retention. */
async function startCursor(tx: Tx, after: string | null | undefined): Promise<number> {
  const head = await latestEventId(tx);
  if (!after) return head;
  const field = ['input', 'after'];
  const decoded = fromGlobalId(after, 'Event');
  if (!decoded) refuse(field, UserErrorCode.INVALID, '`after` is not an event cursor of this API.');
  if (decoded.key > head) refuse(field, UserErrorCode.NOT_FOUND, 'No event has this cursor yet.');
  if (decoded.key < (await prunedThrough(tx))) refuse(field, UserErrorCode.INVALID, 'This cursor is older than the event retention.');
  return decoded.key;
}

export async function createEndpoint(tx: Tx, viewer: Viewer, input: In.WebhookEndpointCreateInput, policy: AddressPolicy) {
  const key = await keyFor(tx, viewer, input.apiKeyId);
  const url = checkUrl(input.url, policy);
  checkTopics(key, input.topics);
  const unit = await unitWithinKey(tx, key, input.unitId);
  const cursor = await startCursor(tx, input.after);
  const [{ n }] = await tx.select({ n: count() }).from(webhookEndpoints).where(eq(webhookEndpoints.apiKeyId, key.id));
  if (n >= MAX_ENDPOINTS_PER_KEY) refuse(['input', 'apiKeyId'], UserErrorCode.INVALID, `An API key has at most ${MAX_ENDPOINTS_PER_KEY} endpoints.`);
  const secret = generateWebhookSecret();
  const [row] = await tx.insert(webhookEndpoints).values({
    apiKeyId: key.id,
    url,
    description: input.description?.trim() ?? '',
    topics: [...new Set(input.topics)],
    unitType: unit?.type ?? null,
    unitKey: unit?.key ?? null,
    secret,
    cursor,
    createdBySubject: viewer.subject!,
    createdByRole: viewer.role!,
  }).returning();
  return { ...asEndpoint(row), secret };
}

async function endpointInScope(tx: Tx, viewer: Viewer, id: string): Promise<EndpointRow> {
  const key = keyOf(id, 'WebhookEndpoint', ['id']);
  const [row] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.id, key), endpointScope(viewer))).for('update');
  if (!row) refuse(['id'], UserErrorCode.NOT_FOUND, 'No webhook endpoint you manage has this ID.');
  return row;
}

export async function updateEndpoint(tx: Tx, viewer: Viewer, id: string, input: In.WebhookEndpointUpdateInput, policy: AddressPolicy) {
  const endpoint = await endpointInScope(tx, viewer, id);
  const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, endpoint.apiKeyId));
  const changes: Partial<typeof webhookEndpoints.$inferInsert> = {};
  if (input.url !== undefined && input.url !== null) changes.url = checkUrl(input.url, policy);
  if (input.description !== undefined && input.description !== null) changes.description = input.description.trim();
  if (input.topics) {
    checkTopics(key, input.topics);
    changes.topics = [...new Set(input.topics)];
  }
  if (input.wholeKeyScope && input.unitId) refuse(['input', 'unitId'], UserErrorCode.INVALID, 'Give a unit or wholeKeyScope, not both.');
  if (input.wholeKeyScope) {
    changes.unitType = null;
    changes.unitKey = null;
  } else if (input.unitId) {
    const unit = await unitWithinKey(tx, key, input.unitId);
    changes.unitType = unit?.type ?? null;
    changes.unitKey = unit?.key ?? null;
  }
  const [row] = await tx.update(webhookEndpoints).set({ ...changes, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, endpoint.id)).returning();
  return asEndpoint(row);
}

export async function setEndpointEnabled(tx: Tx, viewer: Viewer, id: string, enabled: boolean) {
  const endpoint = await endpointInScope(tx, viewer, id);
  if (endpoint.enabled === enabled) {
    refuse(['id'], UserErrorCode.INVALID_TRANSITION, enabled ? 'This endpoint is already enabled.' : 'This endpoint is already disabled.');
  }
  const [row] = await tx.update(webhookEndpoints).set({ enabled, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, endpoint.id)).returning();
  if (enabled) await appendEvent(tx, { topic: WEBHOOK_WAKE_TOPIC, scope: NOWHERE, payload: { endpointId: row.id } });
  return asEndpoint(row);
}

export async function rotateEndpointSecret(tx: Tx, viewer: Viewer, id: string) {
  const endpoint = await endpointInScope(tx, viewer, id);
  const secret = generateWebhookSecret();
  const [row] = await tx.update(webhookEndpoints).set({ secret, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, endpoint.id)).returning();
  return { ...asEndpoint(row), secret };
}

/** Deletes the endpoint with its deliveries and their attempts; answers it as it was. */
export async function deleteEndpoint(tx: Tx, viewer: Viewer, id: string) {
  const endpoint = await endpointInScope(tx, viewer, id);
  await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
  return asEndpoint(endpoint);
}

/**
 * Sends a delivery again, whatever its state, with the same body and delivery id, and starts
 * a new round of the retry ladder from it.
 */
export async function replayDelivery(tx: Tx, viewer: Viewer, id: string, now = new Date()) {
  const key = keyOf(id, 'WebhookDelivery', ['id']);
  const [delivery] = await tx.select().from(webhookDeliveries).where(and(eq(webhookDeliveries.id, key), deliveryScope(viewer))).for('update');
  if (!delivery) refuse(['id'], UserErrorCode.NOT_FOUND, 'No webhook delivery you manage has this ID.');
  const [endpoint] = await tx.select({ enabled: webhookEndpoints.enabled }).from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.endpointId));
  if (!endpoint.enabled) refuse(['id'], UserErrorCode.INVALID_TRANSITION, 'The endpoint is disabled; enable it first.');
  const [row] = await tx.update(webhookDeliveries)
    .set({ status: WebhookDeliveryStatus.PENDING, nextAttemptAt: now, roundStartedAt: null, roundAttempts: 0 })
    .where(eq(webhookDeliveries.id, key)).returning();
  await appendEvent(tx, { topic: WEBHOOK_WAKE_TOPIC, scope: NOWHERE, payload: { endpointId: row.endpointId } });
  return asDelivery(row);
}
