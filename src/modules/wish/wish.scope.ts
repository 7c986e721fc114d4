import { eq, isNotNull, or, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Queryable } from '../../db/client';
import type { OutboxRow } from '../../events/outbox';
import { unitMatcher } from '../../events/scope';
import { wishes } from './wish.tables';

/** How wishes hang in the hierarchy, for `within` filters and staff scope. */
export const WISH_UNITS: UnitColumns = {
  District: wishes.districtId,
  Street: wishes.streetId,
  Community: wishes.communityId,
  Grid: wishes.gridId,
  Building: wishes.buildingId,
  Household: wishes.householdId,
};

const open = () => eq(wishes.status, 'PUBLISHED');

/**
 * The wishes a viewer may read: staff those under their unit, a resident their household's,
 * a party member or volunteer every open order (in any community) and the wishes they claimed.
 */
export function wishScope(viewer: Viewer): SQL | undefined {
  return scopeCondition(viewer, {
    ...WISH_UNITS,
    PartyMember: (key) => or(open(), eq(wishes.claimantMemberId, key))!,
    Volunteer: (key) => or(open(), eq(wishes.claimantVolunteerId, key))!,
  });
}

/**
 * The wishes a viewer acts on. A member or volunteer who saw an open order may still name it
 * once someone else took it, and is told it was claimed rather than that it does not exist.
 */
export function actionScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === Role.PARTY_MEMBER || viewer.role === Role.VOLUNTEER) return isNotNull(wishes.publishedAt);
  return wishScope(viewer);
}

/**
 * The wishes whose details (timeline, place) a viewer reads: a member or volunteer only
 * those they claimed, everyone else those they may read.
 */
export function partyScope(viewer: Viewer): SQL | undefined {
  return scopeCondition(viewer, {
    ...WISH_UNITS,
    PartyMember: (key) => eq(wishes.claimantMemberId, key),
    Volunteer: (key) => eq(wishes.claimantVolunteerId, key),
  });
}

/**
 * The same rule for events, decided in memory on each event: the household, the staff above
 * it and the claimant receive every step; members and volunteers also receive each
 * publication, a new open order.
 */
export async function wishEventScope(db: Queryable, viewer: Viewer): Promise<(row: OutboxRow) => boolean> {
  if (viewer.role === null) return () => false;
  if (viewer.unit === null) return () => true;
  const own = await unitMatcher(db, viewer.unit);
  if (viewer.role === Role.PARTY_MEMBER || viewer.role === Role.VOLUNTEER) {
    return (row) => own(row.scope) || (row.payload as { transition: { action: string } }).transition.action === 'PUBLISH';
  }
  return (row) => own(row.scope);
}
