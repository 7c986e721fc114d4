import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { contains } from '../../db/search';
import { Role } from '../../auth/roles';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { buildings, communities, grids } from '../grid/grid.tables';
import { isMainlandMobile } from '../grid/identity';
import { memberForChange } from './member.service';
import { REPORT_IN_UNITS, reportInScope, selfMemberKey } from './party.scope';
import { reportIns, reportingUnits } from './party.tables';
import type * as In from './reportin.inputs';
import { asReportIn, asReportingUnit, type ReportInRow } from './reportin.loaders';

const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;

export function listReportingUnits(ctx: Context, args: In.ReportingUnitsArgs) {
  const f = args.filter;
  return paginate(ctx.db, {
    table: reportingUnits,
    where: and(
      f?.kinds?.length ? inArray(reportingUnits.kind, f.kinds) : undefined,
      contains(reportingUnits.name, f?.nameContains),
    ),
    ordering: { column: reportingUnits.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asReportingUnit,
  });
}

export function listReportIns(ctx: Context, args: In.ReportInsArgs) {
  const f = args.filter;
  return paginate(ctx.db, {
    table: reportIns,
    where: and(
      reportInScope(ctx.viewer),
      withinCondition(f?.within, REPORT_IN_UNITS),
      f?.unitId ? eq(reportIns.unitId, argumentKey(f.unitId, 'ReportingUnit', 'filter.unitId')) : undefined,
      f?.memberId ? eq(reportIns.memberId, argumentKey(f.memberId, 'PartyMember', 'filter.memberId')) : undefined,
      f?.active === true ? isNull(reportIns.withdrawnAt) : f?.active === false ? isNotNull(reportIns.withdrawnAt) : undefined,
    ),
    ordering: { column: reportIns.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asReportIn,
  });
}

export async function createReportingUnit(tx: Tx, input: In.ReportingUnitCreateInput) {
  const errors: UserError[] = [];
  const name = input.name.trim();
  if (!name) errors.push(userError(['input', 'name'], UserErrorCode.REQUIRED, 'A name is required.'));
  const contactPhone = input.contactPhone?.trim() || null;
  if (contactPhone !== null && !isMainlandMobile(contactPhone) && !LANDLINE.test(contactPhone)) {
    errors.push(userError(['input', 'contactPhone'], UserErrorCode.INVALID, 'A phone is a mobile number (11 digits) or a landline with its area code, e.g. "0543-3161234".'));
  }
  if (errors.length) throw new UserErrors(errors);
  const [taken] = await tx.select({ id: reportingUnits.id }).from(reportingUnits).where(eq(reportingUnits.name, name));
  if (taken) refuse(['input', 'name'], UserErrorCode.DUPLICATE, 'A reporting unit of this name is already registered.');
  const [row] = await tx.insert(reportingUnits).values({ name, kind: input.kind, contactName: input.contactName?.trim() || null, contactPhone }).returning();
  return asReportingUnit(row);
}

interface Place {
  districtId: number;
  streetId: number;
  communityId: number;
  gridId: number | null;
  buildingId: number | null;
}

/** The one place a report-in names, with the community and grid that follow from it, and the input field that named it. */
async function placeOf(tx: Tx, input: In.ReportInRegisterInput): Promise<{ place: Place; field: string[] }> {
  const given = (['communityId', 'gridId', 'buildingId'] as const).filter((f) => input[f]);
  if (given.length === 0) refuse(['input', 'communityId'], UserErrorCode.REQUIRED, 'Say where it reports in: a community, a grid or a building.');
  if (given.length > 1) refuse(['input', given[1]], UserErrorCode.INVALID, 'Give one place: a community, a grid or a building.');
  const field = ['input', given[0]];
  if (input.communityId) {
    const [community] = await tx.select().from(communities).where(eq(communities.id, keyOf(input.communityId, 'Community', field)));
    if (!community) refuse(field, UserErrorCode.NOT_FOUND, 'No community has this ID.');
    return { place: { districtId: community.districtId, streetId: community.streetId, communityId: community.id, gridId: null, buildingId: null }, field };
  }
  if (input.gridId) {
    const [grid] = await tx.select().from(grids).where(eq(grids.id, keyOf(input.gridId, 'Grid', field)));
    if (!grid) refuse(field, UserErrorCode.NOT_FOUND, 'No grid has this ID.');
    return { place: { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id, buildingId: null }, field };
  }
  const [building] = await tx.select().from(buildings).where(eq(buildings.id, keyOf(input.buildingId!, 'Building', field)));
  if (!building) refuse(field, UserErrorCode.NOT_FOUND, 'No building has this ID.');
  return { place: { districtId: building.districtId, streetId: building.streetId, communityId: building.communityId, gridId: building.gridId, buildingId: building.id }, field };
}

/** Where a change to a report-in is made, for `assertMayChange`. */
export function placementOf(row: Pick<ReportInRow, 'districtId' | 'streetId' | 'communityId' | 'gridId'>) {
  return { districtId: row.districtId, streetId: row.streetId, communityId: row.communityId, gridId: row.gridId ?? undefined };
}

/**
 * Registers a unit or an in-service member with a community, grid or building (双报到).
 * Staff register those of their area; a party member registers only themself, where they
 * live. A unit is active once per community, a member once.
 */
export async function registerReportIn(tx: Tx, viewer: Viewer, input: In.ReportInRegisterInput) {
  if (!input.unitId && !input.memberId) refuse(['input', 'unitId'], UserErrorCode.REQUIRED, 'Say who reports in: a reporting unit or an in-service member.');
  if (input.unitId && input.memberId) refuse(['input', 'memberId'], UserErrorCode.INVALID, 'A report-in is a unit\'s or a member\'s, not both.');
  const { place, field: placeField } = await placeOf(tx, input);
  if (viewer.role === Role.PARTY_MEMBER) {
    if (input.unitId) refuse(['input', 'unitId'], UserErrorCode.OUT_OF_SCOPE, 'A party member reports in for themself; units are reported in by the community.');
  } else {
    await assertMayChange(tx, viewer, placementOf(place), placeField);
  }

  let subject: { unitId: number } | { memberId: number };
  if (input.unitId) {
    const field = ['input', 'unitId'];
    // Locked, so that two report-ins of one unit cannot both pass the check below.
    const [unit] = await tx.select({ id: reportingUnits.id }).from(reportingUnits).where(eq(reportingUnits.id, keyOf(input.unitId, 'ReportingUnit', field))).for('update');
    if (!unit) refuse(field, UserErrorCode.NOT_FOUND, 'No reporting unit has this ID.');
    const [active] = await tx.select({ id: reportIns.id }).from(reportIns)
      .where(and(eq(reportIns.unitId, unit.id), eq(reportIns.communityId, place.communityId), isNull(reportIns.withdrawnAt)));
    if (active) refuse(field, UserErrorCode.DUPLICATE, 'This unit is already reported in to this community; withdraw that report-in first.');
    subject = { unitId: unit.id };
  } else {
    const field = ['input', 'memberId'];
    const member = await memberForChange(tx, viewer, input.memberId!, field);
    if (viewer.role === Role.PARTY_MEMBER && member.id !== selfMemberKey(viewer)) {
      refuse(field, UserErrorCode.OUT_OF_SCOPE, 'A party member reports in for themself only.');
    }
    if (member.kind !== 'IN_SERVICE') {
      refuse(field, UserErrorCode.INVALID, 'A resident member is organised in their community already; report-in (双报到) is for in-service members.');
    }
    if (member.communityId !== place.communityId) {
      refuse(placeField, UserErrorCode.INVALID, 'An in-service member reports in where they live: a place of their own community.');
    }
    const [active] = await tx.select({ id: reportIns.id }).from(reportIns).where(and(eq(reportIns.memberId, member.id), isNull(reportIns.withdrawnAt)));
    if (active) refuse(field, UserErrorCode.DUPLICATE, 'This member is already reported in; withdraw that report-in first.');
    subject = { memberId: member.id };
  }
  const [row] = await tx.insert(reportIns).values({ ...subject, ...place }).returning();
  return asReportIn(row);
}

/** Withdraws a report-in: staff over it, or the member whose it is. */
export async function withdrawReportIn(tx: Tx, viewer: Viewer, id: string) {
  const [row] = await tx.select().from(reportIns).where(and(eq(reportIns.id, keyOf(id, 'ReportIn', ['id'])), reportInScope(viewer))).for('update');
  if (!row) refuse(['id'], UserErrorCode.NOT_FOUND, 'No report-in you may see has this ID.');
  if (viewer.role !== Role.PARTY_MEMBER) await assertMayChange(tx, viewer, placementOf(row), ['id']);
  if (row.withdrawnAt !== null) refuse(['id'], UserErrorCode.INVALID_TRANSITION, `This report-in was withdrawn at ${row.withdrawnAt.toISOString()}.`);
  const now = new Date();
  const [withdrawn] = await tx.update(reportIns).set({ withdrawnAt: now, updatedAt: now }).where(eq(reportIns.id, row.id)).returning();
  return asReportIn(withdrawn);
}
