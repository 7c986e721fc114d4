import { and, eq, isNull } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Tx } from '../../db/client';
import { keyOf, refuse, UserErrorCode } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import type * as In from './participation.inputs';
import { asParticipation } from './participation.loaders';
import { hoursProblem, occurredOnProblem } from './participation.rules';
import { communityListItems, participations, reportIns } from './party.tables';
import { placementOf } from './reportin.service';

/**
 * Records one time a report-in served its community (参与次数), by the community secretary
 * or a grid worker over the report-in.
 */
export async function recordParticipation(tx: Tx, viewer: Viewer, input: In.ParticipationRecordInput) {
  const hours = input.hours ?? null;
  const hoursError = hours === null ? null : hoursProblem(hours);
  if (hoursError) refuse(['input', 'hours'], UserErrorCode.INVALID, hoursError);

  const field = ['input', 'reportInId'];
  const [reportIn] = await tx.select().from(reportIns).where(eq(reportIns.id, keyOf(input.reportInId, 'ReportIn', field)));
  if (!reportIn) refuse(field, UserErrorCode.NOT_FOUND, 'No report-in has this ID.');
  await assertMayChange(tx, viewer, placementOf(reportIn), field);
  const dateError = occurredOnProblem(input.occurredOn, chinaDate(), chinaDate(reportIn.reportedAt), reportIn.withdrawnAt && chinaDate(reportIn.withdrawnAt));
  if (dateError) refuse(['input', 'occurredOn'], UserErrorCode.INVALID, dateError);

  let projectId: number | null = null;
  if (input.projectId) {
    const projectField = ['input', 'projectId'];
    const [project] = await tx.select().from(communityListItems).where(eq(communityListItems.id, keyOf(input.projectId, 'CommunityListItem', projectField)));
    if (!project) refuse(projectField, UserErrorCode.NOT_FOUND, 'No community list entry has this ID.');
    if (project.kind !== 'PROJECT') refuse(projectField, UserErrorCode.INVALID, 'This entry is not a project.');
    if (project.communityId !== reportIn.communityId) refuse(projectField, UserErrorCode.INVALID, 'A report-in serves in projects of the community it reported in to.');
    projectId = project.id;
  }
  const [row] = await tx.insert(participations).values({
    reportInId: reportIn.id, districtId: reportIn.districtId, streetId: reportIn.streetId, communityId: reportIn.communityId,
    projectId, occurredOn: input.occurredOn, hours, note: input.note?.trim() || null, recordedBy: viewer.subject!,
  }).returning();
  return asParticipation(row);
}

/**
 * A micro-wish fulfilled by a unit or a member counts as a participation of the claimant's
 * active report-in to the wish's community; a claimant without one is not counted. A wish
 * counts once however often this runs.
 */
export async function recordWishParticipation(
  tx: Tx,
  wish: { id: number; communityId: number; districtId: number; streetId: number; hours: string | null; occurredOn: string },
  claimant: { unitId: number | null; memberId: number | null },
  recordedBy: string,
): Promise<void> {
  const subject = claimant.unitId !== null ? eq(reportIns.unitId, claimant.unitId)
    : claimant.memberId !== null ? eq(reportIns.memberId, claimant.memberId) : null;
  if (subject === null) return;
  const [reportIn] = await tx.select({ id: reportIns.id }).from(reportIns)
    .where(and(subject, eq(reportIns.communityId, wish.communityId), isNull(reportIns.withdrawnAt)));
  if (!reportIn) return;
  await tx.insert(participations).values({
    reportInId: reportIn.id, districtId: wish.districtId, streetId: wish.streetId, communityId: wish.communityId,
    wishId: wish.id, occurredOn: wish.occurredOn, hours: wish.hours, recordedBy,
  }).onConflictDoNothing({ target: participations.wishId });
}
