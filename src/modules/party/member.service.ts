import { and, eq, inArray, sql } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { grids, residents } from '../grid/grid.tables';
import { isMainlandMobile } from '../grid/identity';
import type * as In from './member.inputs';
import { asPartyMember, type PartyMemberRow } from './member.loaders';
import { MEMBER_UNITS, memberScope, organisationSubtree, selfMemberKey } from './party.scope';
import { partyMembers, partyOrganisations, reportingUnits } from './party.tables';

export function listPartyMembers(ctx: Context, args: In.PartyMembersArgs) {
  const f = args.filter;
  const organisationKey = f?.organisationId ? argumentKey(f.organisationId, 'PartyOrganisation', 'filter.organisationId') : null;
  return paginate(ctx.db, {
    table: partyMembers,
    where: and(
      memberScope(ctx.viewer),
      withinCondition(f?.within, MEMBER_UNITS),
      organisationKey === null ? undefined : sql`${partyMembers.organisationId} in ${organisationSubtree(organisationKey)}`,
      f?.kinds?.length ? inArray(partyMembers.kind, f.kinds) : undefined,
      f?.showsIdentity === undefined || f.showsIdentity === null ? undefined : eq(partyMembers.showsIdentity, f.showsIdentity),
    ),
    ordering: { column: partyMembers.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asPartyMember,
  });
}

function checkPhone(phone: string | null | undefined, errors: UserError[]): string | null {
  const value = phone?.trim() || null;
  if (value !== null && !isMainlandMobile(value)) errors.push(userError(['input', 'phone'], UserErrorCode.INVALID, 'A phone is a mainland mobile number: 11 digits starting 13–19.'));
  return value;
}

/** An organisation the member may belong to: one of the community they are placed in. */
async function organisationOf(tx: Tx, id: string, communityId: number): Promise<number> {
  const field = ['input', 'organisationId'];
  const [organisation] = await tx.select().from(partyOrganisations).where(eq(partyOrganisations.id, keyOf(id, 'PartyOrganisation', field)));
  if (!organisation) refuse(field, UserErrorCode.NOT_FOUND, 'No party organisation has this ID.');
  if (organisation.communityId !== communityId) refuse(field, UserErrorCode.INVALID, 'A member belongs to an organisation of the community they are placed in.');
  return organisation.id;
}

/** A member the viewer may read, by ID; NOT_FOUND otherwise, so that hidden members stay hidden. */
export async function memberForChange(tx: Tx, viewer: Viewer, id: string, field: string[]): Promise<PartyMemberRow> {
  const [member] = await tx.select().from(partyMembers).where(and(eq(partyMembers.id, keyOf(id, 'PartyMember', field)), memberScope(viewer))).for('update');
  if (!member) refuse(field, UserErrorCode.NOT_FOUND, 'No party member you may see has this ID.');
  return member;
}

/**
 * Registers a party member in a community the viewer governs. A resident member is placed
 * where the resident lives and the resident is tagged as a party member, so the tag that
 * drives visits and services agrees with the register.
 */
export async function registerPartyMember(tx: Tx, viewer: Viewer, input: In.PartyMemberRegisterInput) {
  const errors: UserError[] = [];
  const name = input.name?.trim() || null;
  if (!input.residentId && !input.workUnitId) {
    errors.push(userError(['input', 'residentId'], UserErrorCode.REQUIRED, 'Give the resident who is the member, or the reporting unit of an in-service member.'));
  } else if (input.residentId) {
    if (name !== null) errors.push(userError(['input', 'name'], UserErrorCode.INVALID, 'A recorded resident\'s name is taken from the resident.'));
    if (input.gridId) errors.push(userError(['input', 'gridId'], UserErrorCode.INVALID, 'A resident is placed in the grid they live in.'));
  } else {
    if (name === null) errors.push(userError(['input', 'name'], UserErrorCode.REQUIRED, 'Give the in-service member\'s name.'));
    if (!input.gridId) errors.push(userError(['input', 'gridId'], UserErrorCode.REQUIRED, 'Give the grid the in-service member lives in.'));
  }
  const phone = checkPhone(input.phone, errors);
  if (errors.length) throw new UserErrors(errors);

  let place: { districtId: number; streetId: number; communityId: number; gridId: number };
  let residentKey: number | null = null;
  let memberName: string;
  if (input.residentId) {
    const field = ['input', 'residentId'];
    // Locked, so that two registrations of one resident cannot both pass the check below.
    const [resident] = await tx.select().from(residents).where(eq(residents.id, keyOf(input.residentId, 'Resident', field))).for('update');
    if (!resident) refuse(field, UserErrorCode.NOT_FOUND, 'No resident has this ID.');
    await assertMayChange(tx, viewer, resident, field);
    const [registered] = await tx.select({ id: partyMembers.id }).from(partyMembers).where(eq(partyMembers.residentId, resident.id));
    if (registered) refuse(field, UserErrorCode.DUPLICATE, 'This resident is already registered as a party member.');
    place = resident;
    residentKey = resident.id;
    memberName = resident.name;
  } else {
    const field = ['input', 'gridId'];
    const [grid] = await tx.select().from(grids).where(eq(grids.id, keyOf(input.gridId!, 'Grid', field)));
    if (!grid) refuse(field, UserErrorCode.NOT_FOUND, 'No grid has this ID.');
    place = { ...grid, gridId: grid.id };
    await assertMayChange(tx, viewer, place, field);
    memberName = name!;
  }

  let workUnitId: number | null = null;
  if (input.workUnitId) {
    const field = ['input', 'workUnitId'];
    const [unit] = await tx.select({ id: reportingUnits.id }).from(reportingUnits).where(eq(reportingUnits.id, keyOf(input.workUnitId, 'ReportingUnit', field)));
    if (!unit) refuse(field, UserErrorCode.NOT_FOUND, 'No reporting unit has this ID.');
    workUnitId = unit.id;
  }
  const organisationId = input.organisationId ? await organisationOf(tx, input.organisationId, place.communityId) : null;

  const [row] = await tx.insert(partyMembers).values({
    districtId: place.districtId, streetId: place.streetId, communityId: place.communityId, gridId: place.gridId,
    organisationId, kind: workUnitId === null ? 'RESIDENT' : 'IN_SERVICE', residentId: residentKey, workUnitId,
    name: memberName, phone, duty: input.duty?.trim() || null, showsIdentity: input.showsIdentity ?? false,
  }).returning();
  if (residentKey !== null) {
    await tx.update(residents)
      .set({ tags: sql`array_append(${residents.tags}, 'PARTY_MEMBER')`, updatedAt: new Date() })
      .where(and(eq(residents.id, residentKey), sql`not ('PARTY_MEMBER' = any(${residents.tags}))`));
  }
  return asPartyMember(row);
}

const STAFF_ONLY = ['organisationId', 'gridId', 'phone'] as const;

/**
 * Staff over the member change the placement and the public card; the member changes only
 * the duty and whether the identity is shown (亮身份 is the member's own choice).
 */
export async function updatePartyMember(tx: Tx, viewer: Viewer, id: string, input: In.PartyMemberUpdateInput) {
  const member = await memberForChange(tx, viewer, id, ['id']);
  if (viewer.role === Role.PARTY_MEMBER) {
    if (selfMemberKey(viewer) !== member.id) refuse(['id'], UserErrorCode.OUT_OF_SCOPE, 'A party member changes only their own record.');
    const refused = STAFF_ONLY.filter((f) => input[f] !== undefined);
    if (refused.length) {
      throw new UserErrors(refused.map((f) => userError(['input', f], UserErrorCode.OUT_OF_SCOPE, 'Your community records this; you choose your duty and whether you show your identity.')));
    }
  } else {
    await assertMayChange(tx, viewer, member, ['id']);
  }

  const errors: UserError[] = [];
  const changes: Partial<typeof partyMembers.$inferInsert> = { updatedAt: new Date() };
  if (input.phone !== undefined) changes.phone = checkPhone(input.phone, errors);
  if (errors.length) throw new UserErrors(errors);
  if (input.duty !== undefined) changes.duty = input.duty?.trim() || null;
  if (input.showsIdentity !== undefined && input.showsIdentity !== null) changes.showsIdentity = input.showsIdentity;

  let communityId = member.communityId;
  if (input.gridId) {
    const field = ['input', 'gridId'];
    const [grid] = await tx.select().from(grids).where(eq(grids.id, keyOf(input.gridId, 'Grid', field)));
    if (!grid) refuse(field, UserErrorCode.NOT_FOUND, 'No grid has this ID.');
    await assertMayChange(tx, viewer, { ...grid, gridId: grid.id }, field);
    Object.assign(changes, { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id });
    if (grid.communityId !== member.communityId) changes.organisationId = null;
    communityId = grid.communityId;
  }
  if (input.organisationId !== undefined) {
    changes.organisationId = input.organisationId === null ? null : await organisationOf(tx, input.organisationId, communityId);
  }
  const [row] = await tx.update(partyMembers).set(changes).where(eq(partyMembers.id, member.id)).returning();
  return asPartyMember(row);
}
