/**
 * Which rows of the love bank a viewer reads. Teams, activities, merchants and their items
 * are public; a volunteer's record and books are their own, their banked party member's and
 * the staff's above them; a merchant's takings are its own and the street's.
 */
import { eq, or, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { gridSubtree, scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { residents } from '../grid/grid.tables';
import { COMMUNITY_STAFF, STAFF } from './volunteer.rules';
import {
  activities, activitySignups, bankAccounts, ledgerEntries, ledgerMovements, merchants, redemptions, volunteers, volunteerTeams,
} from './volunteer.tables';

/** A grid worker's volunteers are the residents of their grids: a grid covers households, not a community's roll. */
export const VOLUNTEER_UNITS: UnitColumns = {
  District: volunteers.districtId,
  Street: volunteers.streetId,
  Community: volunteers.communityId,
  Grid: (key) => sql`${volunteers.residentId} in (select ${residents.id} from ${residents} where ${residents.gridId} in ${gridSubtree(key)})`,
};
export const TEAM_UNITS: UnitColumns = { District: volunteerTeams.districtId, Street: volunteerTeams.streetId, Community: volunteerTeams.communityId };
export const ACTIVITY_UNITS: UnitColumns = {
  District: activities.districtId, Street: activities.streetId, Community: activities.communityId, Grid: activities.gridId,
};
export const MERCHANT_UNITS: UnitColumns = { District: merchants.districtId, Street: merchants.streetId, Community: merchants.communityId };

const isStaff = (viewer: Viewer) => viewer.role !== null && (STAFF as readonly Role[]).includes(viewer.role);

/** The volunteer a VOLUNTEER token names. */
export function tokenVolunteerKey(viewer: Viewer): number | null {
  return viewer.role === Role.VOLUNTEER && viewer.unit?.type === 'Volunteer' ? viewer.unit.key : null;
}

/** The party member a PARTY_MEMBER token names. */
export function tokenPartyMemberKey(viewer: Viewer): number | null {
  return viewer.role === Role.PARTY_MEMBER && viewer.unit?.type === 'PartyMember' ? viewer.unit.key : null;
}

/** The merchant a MERCHANT token names. */
export function tokenMerchantKey(viewer: Viewer): number | null {
  return viewer.role === Role.MERCHANT && viewer.unit?.type === 'Merchant' ? viewer.unit.key : null;
}

/** The viewer's own volunteer record as SQL (the banked record of a party member); null for other roles. */
function ownVolunteer(viewer: Viewer): SQL | null {
  const volunteer = tokenVolunteerKey(viewer);
  if (volunteer !== null) return sql`${volunteer}`;
  const member = tokenPartyMemberKey(viewer);
  if (member !== null) return sql`(select ${volunteers.id} from ${volunteers} where ${volunteers.partyMemberId} = ${member})`;
  return null;
}

/** Volunteers the viewer may read: themself, or those under a staff member's unit. */
export function volunteerScope(viewer: Viewer): SQL | undefined {
  const own = ownVolunteer(viewer);
  if (own !== null) return sql`${volunteers.id} = ${own}`;
  return isStaff(viewer) ? scopeCondition(viewer, VOLUNTEER_UNITS) : sql`false`;
}

/** Merchants whose takings (redemptions, points received) the viewer may read: its own, or the staff's above it. */
export function merchantBooksScope(viewer: Viewer): SQL | undefined {
  const merchant = tokenMerchantKey(viewer);
  if (merchant !== null) return eq(merchants.id, merchant);
  return isStaff(viewer) ? scopeCondition(viewer, MERCHANT_UNITS) : sql`false`;
}

const where = (condition: SQL | undefined) => condition ?? sql`true`;

/** Activities whose sign-up list the viewer may read: its organiser, its team's leader, the community staff above it (as volunteer.rules' mayOrganise). */
export function organisedScope(viewer: Viewer): SQL {
  const own = ownVolunteer(viewer);
  return or(
    viewer.subject === null ? sql`false` : eq(activities.organiserSubject, viewer.subject),
    own === null ? sql`false` : sql`${activities.teamId} in (select ${volunteerTeams.id} from ${volunteerTeams} where ${volunteerTeams.leaderId} = ${own})`,
    viewer.role !== null && (COMMUNITY_STAFF as readonly Role[]).includes(viewer.role) ? where(scopeCondition(viewer, ACTIVITY_UNITS)) : sql`false`,
  )!;
}

/** Sign-ups the viewer may read: their own, and those of the activities they organise. */
export function signupScope(viewer: Viewer): SQL {
  return or(
    sql`${activitySignups.volunteerId} in (select ${volunteers.id} from ${volunteers} where ${where(volunteerScope(viewer))})`,
    sql`${activitySignups.activityId} in (select ${activities.id} from ${activities} where ${organisedScope(viewer)})`,
  )!;
}

/** Accounts whose books the viewer may read. */
function accountScope(viewer: Viewer): SQL {
  return or(
    sql`${bankAccounts.volunteerId} in (select ${volunteers.id} from ${volunteers} where ${where(volunteerScope(viewer))})`,
    sql`${bankAccounts.merchantId} in (select ${merchants.id} from ${merchants} where ${where(merchantBooksScope(viewer))})`,
  )!;
}

/**
 * Movements the viewer may read: those with an entry on an account it may read; the whole
 * city's for a city administrator. Correlated, so a lookup by id reads only those movements' entries.
 */
export function movementScope(viewer: Viewer): SQL | undefined {
  if (viewer.role === Role.CITY_ADMIN && viewer.unit === null) return undefined;
  return sql`exists (select 1 from ${ledgerEntries} join ${bankAccounts} on ${bankAccounts.id} = ${ledgerEntries.accountId}
    where ${ledgerEntries.movementId} = ${ledgerMovements.id} and (${accountScope(viewer)}))`;
}

/** Entries of the movements the viewer may read. */
export function entryScope(viewer: Viewer): SQL | undefined {
  const movements = movementScope(viewer);
  return movements && sql`${ledgerEntries.movementId} in (select ${ledgerMovements.id} from ${ledgerMovements} where ${movements})`;
}

/** Redemptions the viewer may read: the volunteer's who redeemed, the merchant's who took them. */
export function redemptionScope(viewer: Viewer): SQL {
  return or(
    sql`${redemptions.volunteerId} in (select ${volunteers.id} from ${volunteers} where ${where(volunteerScope(viewer))})`,
    sql`${redemptions.merchantId} in (select ${merchants.id} from ${merchants} where ${where(merchantBooksScope(viewer))})`,
  )!;
}
