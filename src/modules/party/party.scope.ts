import { eq, or, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { gridSubtree, scopeCondition, type UnitColumns } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { commitments, communityListItems, partyMembers, partyOrganisations, participations, reportIns } from './party.tables';

/** How each party table hangs in the hierarchy, for `within` filters. */
export const MEMBER_UNITS: UnitColumns = {
  District: partyMembers.districtId,
  Street: partyMembers.streetId,
  Community: partyMembers.communityId,
  Grid: partyMembers.gridId,
};
export const REPORT_IN_UNITS: UnitColumns = {
  District: reportIns.districtId,
  Street: reportIns.streetId,
  Community: reportIns.communityId,
  Grid: reportIns.gridId,
  Building: reportIns.buildingId,
};
export const LIST_ITEM_UNITS: UnitColumns = {
  District: communityListItems.districtId,
  Street: communityListItems.streetId,
  Community: communityListItems.communityId,
};
export const COMMITMENT_UNITS: UnitColumns = {
  District: commitments.districtId,
  Street: commitments.streetId,
  Community: commitments.communityId,
  Grid: commitments.gridId,
  Building: commitments.buildingId,
};

/** The member a PARTY_MEMBER token stands for; null for every other viewer. */
export function selfMemberKey(viewer: Viewer): number | null {
  return viewer.role === Role.PARTY_MEMBER && viewer.unit?.type === 'PartyMember' ? viewer.unit.key : null;
}

/**
 * Who manages party members (纳入网格管理): the staff over the grid a member is placed in —
 * grid worker, community secretary, street officer, city administrator — each in their own
 * area. Nobody else reads a member who does not show the identity but the member themself:
 * not auditors, integrators, residents or volunteers, whatever the unit of their credential.
 */
const MEMBER_MANAGERS: readonly Role[] = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER];

/**
 * Members the viewer may read: everyone who shows the identity (亮身份), and the others only
 * to the staff who manage them and to the member themself.
 */
export function memberScope(viewer: Viewer): SQL | undefined {
  const managed = managedMembers(viewer);
  return managed === undefined ? undefined : or(eq(partyMembers.showsIdentity, true), managed);
}

function managedMembers(viewer: Viewer): SQL | undefined {
  const self = selfMemberKey(viewer);
  if (self !== null) return eq(partyMembers.id, self);
  if (viewer.role === null || !MEMBER_MANAGERS.includes(viewer.role)) return sql`false`;
  return scopeCondition(viewer, MEMBER_UNITS);
}

/** Report-ins (双报到) the viewer may read: staff those under their unit, a member their own. */
export function reportInScope(viewer: Viewer): SQL | undefined {
  return scopeCondition(viewer, { ...REPORT_IN_UNITS, PartyMember: reportIns.memberId });
}

/** Participations follow their report-in: a grid worker reads those of report-ins to their grids. */
export function participationScope(viewer: Viewer): SQL | undefined {
  const ofReportIns = (condition: SQL) => sql`${participations.reportInId} in (select ${reportIns.id} from ${reportIns} where ${condition})`;
  return scopeCondition(viewer, {
    District: participations.districtId,
    Street: participations.streetId,
    Community: participations.communityId,
    Grid: (key) => ofReportIns(sql`${reportIns.gridId} in ${gridSubtree(key)}`),
    PartyMember: (key) => ofReportIns(eq(reportIns.memberId, key)),
  });
}

/** Organisation `key` (a number or an SQL expression) and every organisation below it. */
export function organisationSubtree(key: number | SQL): SQL {
  return sql`(with recursive below(id) as (
      select ${partyOrganisations.id} from ${partyOrganisations} where ${partyOrganisations.id} = ${key}
      union all
      select o.id from ${partyOrganisations} o join below on o.parent_id = below.id
    ) select id from below)`;
}
