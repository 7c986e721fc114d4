import { and, eq, isNotNull, isNull } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { paginate } from '../../graphql/connection';
import { argumentKey, keyOf, refuse, UserErrorCode } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/ids';
import { assertMayChange } from '../grid/grid.service';
import { buildings, households } from '../grid/grid.tables';
import type * as In from './commitment.inputs';
import { asCommitment, COMMITMENT_ORDER, type CommitmentRow } from './commitment.loaders';
import { pledgeProblem } from './commitment.rules';
import { memberForChange } from './member.service';
import { COMMITMENT_UNITS, selfMemberKey } from './party.scope';
import { commitmentRatings, commitments } from './party.tables';

/** Commitments are public: they hang at the door. */
export function listCommitments(ctx: Context, args: In.CommitmentsArgs) {
  const f = args.filter;
  return paginate(ctx.db, {
    table: commitments,
    where: and(
      withinCondition(f?.within, COMMITMENT_UNITS),
      f?.memberId ? eq(commitments.memberId, argumentKey(f.memberId, 'PartyMember', 'filter.memberId')) : undefined,
      f?.buildingId ? eq(commitments.buildingId, argumentKey(f.buildingId, 'Building', 'filter.buildingId')) : undefined,
      f?.active === true ? isNull(commitments.withdrawnAt) : f?.active === false ? isNotNull(commitments.withdrawnAt) : undefined,
    ),
    ordering: COMMITMENT_ORDER,
    args,
    map: asCommitment,
  });
}

/**
 * Hangs a member's pledge (挂牌承诺) at a building of the member's community: the member
 * for themself, or staff over the building for a member. One hangs at a time.
 */
export async function hangCommitment(tx: Tx, viewer: Viewer, input: In.CommitmentHangInput) {
  const problem = pledgeProblem(input.pledge);
  if (problem) refuse(['input', 'pledge'], UserErrorCode.INVALID, problem);
  const self = selfMemberKey(viewer);
  const memberField = ['input', 'memberId'];
  if (viewer.role === Role.PARTY_MEMBER) {
    if (self === null || (input.memberId && keyOf(input.memberId, 'PartyMember', memberField) !== self)) {
      refuse(memberField, UserErrorCode.OUT_OF_SCOPE, 'A party member hangs their own commitment.');
    }
  } else if (!input.memberId) {
    refuse(memberField, UserErrorCode.REQUIRED, 'Say whose commitment it is.');
  }
  // Locked, so that two pledges of one member cannot both pass the check below.
  const member = await memberForChange(tx, viewer, input.memberId ?? toGlobalId('PartyMember', self!), memberField);

  const buildingField = ['input', 'buildingId'];
  const [building] = await tx.select().from(buildings).where(eq(buildings.id, keyOf(input.buildingId, 'Building', buildingField)));
  if (!building) refuse(buildingField, UserErrorCode.NOT_FOUND, 'No building has this ID.');
  if (building.communityId !== member.communityId) {
    refuse(buildingField, UserErrorCode.OUT_OF_SCOPE, 'A commitment hangs at a building of the member\'s own community.');
  }
  if (viewer.role !== Role.PARTY_MEMBER) await assertMayChange(tx, viewer, building, buildingField);

  const [hanging] = await tx.select({ id: commitments.id }).from(commitments).where(and(eq(commitments.memberId, member.id), isNull(commitments.withdrawnAt)));
  if (hanging) refuse(['input', 'pledge'], UserErrorCode.DUPLICATE, 'This member\'s commitment already hangs; withdraw it before hanging a new one.');
  const [row] = await tx.insert(commitments).values({
    memberId: member.id, districtId: building.districtId, streetId: building.streetId, communityId: building.communityId,
    gridId: building.gridId, buildingId: building.id, pledge: input.pledge.trim(),
  }).returning();
  return asCommitment(row);
}

async function commitmentForChange(tx: Tx, id: string, field: string[], lock: 'update' | 'share'): Promise<CommitmentRow> {
  const [row] = await tx.select().from(commitments).where(eq(commitments.id, keyOf(id, 'Commitment', field))).for(lock);
  if (!row) refuse(field, UserErrorCode.NOT_FOUND, 'No commitment has this ID.');
  return row;
}

/** Takes a commitment down: the member whose it is, or staff over its building. */
export async function withdrawCommitment(tx: Tx, viewer: Viewer, id: string) {
  const commitment = await commitmentForChange(tx, id, ['id'], 'update');
  if (viewer.role === Role.PARTY_MEMBER) {
    if (commitment.memberId !== selfMemberKey(viewer)) refuse(['id'], UserErrorCode.OUT_OF_SCOPE, 'A party member takes down only their own commitment.');
  } else {
    await assertMayChange(tx, viewer, commitment, ['id']);
  }
  if (commitment.withdrawnAt !== null) refuse(['id'], UserErrorCode.INVALID_TRANSITION, `This commitment was taken down at ${commitment.withdrawnAt.toISOString()}.`);
  const now = new Date();
  const [row] = await tx.update(commitments).set({ withdrawnAt: now, updatedAt: now }).where(eq(commitments.id, commitment.id)).returning();
  return asCommitment(row);
}

/**
 * A household of the building where the commitment hangs judges whether it is kept; one
 * rating per household, a second replaces the first.
 */
export async function rateCommitment(tx: Tx, viewer: Viewer, input: In.CommitmentRateInput) {
  const field = ['input', 'commitmentId'];
  // A share lock: ratings go in side by side, but not while the commitment is taken down.
  const commitment = await commitmentForChange(tx, input.commitmentId, field, 'share');
  const householdKey = viewer.role === Role.RESIDENT && viewer.unit?.type === 'Household' ? viewer.unit.key : null;
  const [household] = householdKey === null ? [] : await tx.select({ id: households.id, buildingId: households.buildingId }).from(households).where(eq(households.id, householdKey));
  if (!household || household.buildingId !== commitment.buildingId) {
    refuse(field, UserErrorCode.OUT_OF_SCOPE, 'A commitment is rated by the households of the building where it hangs.');
  }
  if (commitment.withdrawnAt !== null) refuse(field, UserErrorCode.INVALID_TRANSITION, 'This commitment was taken down; it can no longer be rated.');
  const comment = input.comment?.trim() || null;
  const now = new Date();
  await tx.insert(commitmentRatings)
    .values({ commitmentId: commitment.id, householdId: household.id, kept: input.kept, comment, ratedBy: viewer.subject! })
    .onConflictDoUpdate({
      target: [commitmentRatings.commitmentId, commitmentRatings.householdId],
      set: { kept: input.kept, comment, ratedBy: viewer.subject!, updatedAt: now },
    });
  return asCommitment(commitment);
}
