import { and, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { Role, type UnitType } from '../../auth/roles';
import { ALL_TOPICS, type ApiKeyTopic } from '../../auth/topics';
import { unitOfRole, type Unit, type Viewer } from '../../auth/viewer';
import type { Queryable, Tx } from '../../db/client';
import { appendEvent } from '../../events/outbox';
import type { EventScope } from '../../events/outbox.tables';
import { OrderDirection, paginate, type ForwardPageArgs } from '../../graphql/connection';
import { keyOf, refuse, unauthenticated, UserErrorCode } from '../../graphql/errors';
import { nodeMapper } from '../../graphql/node';
import { assertMayChange, type Placement } from '../grid/grid.service';
import { communities, districts, grids, streets } from '../grid/grid.tables';
import type * as In from './integrator.inputs';
import { DEMO_API_KEY_HASH, hashApiKey } from './integrator.keys';
import { API_KEY_MANAGERS } from './integrator.rules';
import { insertApiKey, subjectOfKey, type ApiKeyRow } from './integrator.store';
import { apiKeys } from './integrator.tables';


/** Written when a key is revoked, so that every process closes the key's open WebSockets. */
export const API_KEY_REVOKED_TOPIC = 'apiKeyRevoked';
/** A revocation concerns no place of the city: no subscription of the schema matches its topic. */
const NOWHERE: EventScope = { districtId: 0, streetId: 0, communityId: 0, gridId: 0, gridCode: '' };

/** `lastUsedAt` is written at most this often per key, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

function unitOfRow(row: ApiKeyRow): Unit | null {
  return row.unitType === null || row.unitKey === null ? null : { type: row.unitType as UnitType, key: row.unitKey };
}

function topicsOfRow(row: ApiKeyRow): ApiKeyTopic[] {
  return row.topics.filter((t): t is ApiKeyTopic => (ALL_TOPICS as readonly string[]).includes(t));
}

const apiKeyNode = nodeMapper<ApiKeyRow>('ApiKey');

export const asApiKey = (row: ApiKeyRow) => ({
  ...apiKeyNode(row),
  unit: unitOfRow(row),
  topics: topicsOfRow(row),
  createdBy: { subject: row.createdBySubject, role: row.createdByRole as Role },
});
export type ApiKeyNode = ReturnType<typeof asApiKey>;

// Using a key ----------------------------------------------------------------------------------

/**
 * The viewer of a presented key: refused when unknown, revoked or expired, read afresh on
 * every request so a revocation takes effect on the next one.
 */
export async function viewerOfApiKey(db: Queryable, key: string, production: boolean, now = new Date()): Promise<Viewer> {
  const hash = hashApiKey(key);
  if (production && hash === DEMO_API_KEY_HASH) throw unauthenticated('The demo API key is not accepted in production.');
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.secretHash, hash));
  if (!row) throw unauthenticated('The API key is not known.');
  if (row.revokedAt !== null) throw unauthenticated('The API key was revoked.');
  if (row.expiresAt !== null && row.expiresAt <= now) throw unauthenticated('The API key has expired.');
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // Conditional, so that concurrent requests of one key write once.
    await db.update(apiKeys).set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, stale))));
  }
  return { subject: subjectOfKey(row.id), role: Role.INTEGRATOR, unit: unitOfRow(row), topics: topicsOfRow(row), expiresAt: row.expiresAt };
}

// Scope ------------------------------------------------------------------------------------------

function keyAt(type: UnitType, keys: SQL | number): SQL {
  return typeof keys === 'number'
    ? sql`(${apiKeys.unitType} = ${type} and ${apiKeys.unitKey} = ${keys})`
    : sql`(${apiKeys.unitType} = ${type} and ${apiKeys.unitKey} in ${keys})`;
}

/** The keys a viewer manages: those whose unit lies in the viewer's subtree (a city-wide key only for a city-wide administrator). */
export function apiKeyScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === null || !(API_KEY_MANAGERS as readonly Role[]).includes(viewer.role)) return sql`false`;
  const unit = viewer.unit;
  if (unit === null) return undefined;
  const below = (table: typeof streets | typeof communities | typeof grids, column: SQL) => sql`(select ${table.id} from ${table} where ${column} = ${unit.key})`;
  switch (unit.type) {
    case 'District':
      return or(keyAt('District', unit.key), keyAt('Street', below(streets, sql`${streets.districtId}`)),
        keyAt('Community', below(communities, sql`${communities.districtId}`)), keyAt('Grid', below(grids, sql`${grids.districtId}`)));
    case 'Street':
      return or(keyAt('Street', unit.key), keyAt('Community', below(communities, sql`${communities.streetId}`)), keyAt('Grid', below(grids, sql`${grids.streetId}`)));
    default:
      return sql`false`;
  }
}

export function listApiKeys(db: Queryable, viewer: Viewer, args: ForwardPageArgs) {
  return paginate(db, {
    table: apiKeys,
    where: apiKeyScope(viewer),
    ordering: { column: apiKeys.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asApiKey,
  });
}

// Creating and revoking -------------------------------------------------------------------------

/** Where a unit a key may name lies, or null when it does not exist. */
export async function placementOf(db: Queryable, unit: Unit): Promise<Placement | null> {
  switch (unit.type) {
    case 'District': {
      const [row] = await db.select({ districtId: districts.id }).from(districts).where(eq(districts.id, unit.key));
      return row ?? null;
    }
    case 'Street': {
      const [row] = await db.select({ districtId: streets.districtId, streetId: streets.id }).from(streets).where(eq(streets.id, unit.key));
      return row ?? null;
    }
    case 'Community': {
      const [row] = await db.select({ districtId: communities.districtId, streetId: communities.streetId, communityId: communities.id })
        .from(communities).where(eq(communities.id, unit.key));
      return row ?? null;
    }
    case 'Grid': {
      const [row] = await db.select({ districtId: grids.districtId, streetId: grids.streetId, communityId: grids.communityId, gridId: grids.id })
        .from(grids).where(eq(grids.id, unit.key));
      return row ?? null;
    }
    default:
      return null;
  }
}

export async function createApiKey(tx: Tx, viewer: Viewer, input: In.ApiKeyCreateInput, now = new Date()) {
  const name = input.name.trim();
  if (!name) refuse(['input', 'name'], UserErrorCode.REQUIRED, 'A name is required.');
  if (input.expiresAt && input.expiresAt <= now) refuse(['input', 'expiresAt'], UserErrorCode.INVALID, 'The expiry must lie in the future.');
  const field = ['input', 'unitId'];
  const checked = unitOfRole(Role.INTEGRATOR, input.unitId);
  if ('problem' in checked) refuse(field, UserErrorCode.INVALID, checked.problem);
  const unit = checked.unit;
  if (unit === null) {
    if (viewer.unit !== null) refuse(field, UserErrorCode.OUT_OF_SCOPE, 'Only a city-wide administrator creates a key for the whole city.');
  } else {
    const place = await placementOf(tx, unit);
    if (!place) refuse(field, UserErrorCode.NOT_FOUND, `No ${unit.type.toLowerCase()} has this ID.`);
    await assertMayChange(tx, viewer, place, field);
  }
  const { row, secret } = await insertApiKey(tx, {
    name, unit, topics: input.topics, expiresAt: input.expiresAt ?? null, createdBy: { subject: viewer.subject!, role: viewer.role! },
  });
  return { ...asApiKey(row), secret };
}

export async function revokeApiKey(tx: Tx, viewer: Viewer, id: string) {
  const key = keyOf(id, 'ApiKey', ['id']);
  const [row] = await tx.select().from(apiKeys).where(and(eq(apiKeys.id, key), apiKeyScope(viewer)));
  if (!row) refuse(['id'], UserErrorCode.NOT_FOUND, 'No API key you manage has this ID.');
  if (row.revokedAt !== null) refuse(['id'], UserErrorCode.INVALID_TRANSITION, 'This API key is already revoked.');
  const [revoked] = await tx.update(apiKeys).set({ revokedAt: sql`now()`, revokedBySubject: viewer.subject })
    .where(eq(apiKeys.id, key)).returning();
  await appendEvent(tx, { topic: API_KEY_REVOKED_TOPIC, scope: NOWHERE, payload: { apiKeyId: key, subject: subjectOfKey(key) } });
  return asApiKey(revoked);
}
