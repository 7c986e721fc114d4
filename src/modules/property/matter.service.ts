import { and, eq, gte, inArray, lte } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, assertVersion, keyOf, refuse, UserErrorCode } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/ids';
import { compoundForChange } from './compound.service';
import type * as In from './matter.inputs';
import { asMatter, type MatterRow } from './matter.loaders';
import { mayTakeStep, nextMatterStatus, PROPOSERS, VOTE_KIND_OF_MATTER, type MatterAction, type MatterStatus, type MatterStep } from './matter.machine';
import { compoundKeyScope } from './property.scope';
import { majorMatters, majorMatterTransitions, ownerVotes, propertyContracts } from './property.tables';
import { openOwnerVote } from './vote.service';

async function record(tx: Tx, viewer: Viewer, row: MatterRow, action: MatterAction, from: MatterStatus | null, note: string | null) {
  await tx.insert(majorMatterTransitions).values({
    matterId: row.id, action, fromStatus: from, toStatus: row.status, actorSubject: viewer.subject!, actorRole: viewer.role!, note,
  });
}

export async function proposeMatter(tx: Tx, viewer: Viewer, input: In.MajorMatterProposeInput) {
  if (!viewer.role || !PROPOSERS.includes(viewer.role)) refuse(null, UserErrorCode.OUT_OF_SCOPE, 'Major matters are proposed by the owners\' committee or the community.');
  const compound = await compoundForChange(tx, viewer, input.compoundId, ['input', 'compoundId']);
  const [open] = await tx.select({ id: majorMatters.id }).from(majorMatters).where(and(
    eq(majorMatters.compoundId, compound.id), eq(majorMatters.kind, input.kind), inArray(majorMatters.status, ['PROPOSED', 'REVIEWED', 'APPROVED', 'VOTING']),
  ));
  if (open) refuse(['input', 'kind'], UserErrorCode.DUPLICATE, 'A matter of this kind is already under way for this compound; finish or reject it first.');
  const [row] = await tx.insert(majorMatters).values({
    compoundId: compound.id, kind: input.kind, title: input.title.trim(), description: input.description.trim(), proposedBy: viewer.subject!,
  }).returning();
  await record(tx, viewer, row, 'PROPOSE', null, null);
  return asMatter(row);
}

/**
 * One step of the approval chain. The matter is locked, its version compared, the chain
 * asked, and only then is anything written; a refusal leaves it as it was.
 */
export async function stepMatter(tx: Tx, viewer: Viewer, step: MatterStep, args: In.MatterStepArgs, vote?: In.MajorMatterVoteInput) {
  const key = keyOf(args.id, 'MajorMatter', ['id']);
  const note = args.note?.trim() || null;
  if (note && note.length > 2000) refuse(['note'], UserErrorCode.INVALID, 'A note has at most 2,000 characters.');
  if (step === 'REJECT' && !note) refuse(['note'], UserErrorCode.REQUIRED, 'Say why the matter is rejected; the owners read it.');
  const [matter] = await tx.select().from(majorMatters).where(and(eq(majorMatters.id, key), compoundKeyScope(viewer, majorMatters.compoundId))).for('update');
  if (!matter) refuse(['id'], UserErrorCode.NOT_FOUND, 'No major matter you may see has this ID.');
  assertVersion(args.expectedVersion, matter.version, 'matter');
  const to = nextMatterStatus(matter.status, step);
  if (to === null) refuse(['id'], UserErrorCode.INVALID_TRANSITION, `A matter that is ${matter.status} cannot take the step ${step}.`);
  if (!mayTakeStep(step, matter.status, viewer.role)) {
    refuse(['id'], UserErrorCode.OUT_OF_SCOPE, `Your role does not take the step ${step} of a ${matter.status} matter.`);
  }
  const changes: Partial<typeof majorMatters.$inferInsert> = { status: to, version: matter.version + 1, updatedAt: new Date() };
  if (step === 'OPEN_VOTE') {
    const opened = await openOwnerVote(tx, viewer, {
      compoundId: toGlobalId('Compound', matter.compoundId), kind: VOTE_KIND_OF_MATTER[matter.kind], title: matter.title, description: matter.description,
      closesAt: vote!.closesAt, seats: vote!.seats, candidates: vote!.candidates,
    });
    changes.voteId = opened.key;
  }
  if (step === 'EXECUTE') await assertPassed(tx, matter);
  if (step === 'REJECT') changes.rejectionReason = note;
  const [row] = await tx.update(majorMatters).set(changes).where(and(eq(majorMatters.id, key), eq(majorMatters.version, matter.version))).returning();
  if (!row) refuse(['expectedVersion'], UserErrorCode.STALE_VERSION, 'The matter changed meanwhile; reload it.');
  if (step === 'EXECUTE' && matter.kind === 'COMPANY_DISMISS') await endContract(tx, matter.compoundId);
  await record(tx, viewer, row, step, matter.status, note);
  return asMatter(row);
}

async function assertPassed(tx: Tx, matter: MatterRow): Promise<void> {
  const [vote] = matter.voteId === null ? [] : await tx.select().from(ownerVotes).where(eq(ownerVotes.id, matter.voteId));
  if (!vote || vote.status !== 'CLOSED') {
    refuse(['id'], UserErrorCode.INVALID_TRANSITION, 'The owners\' vote on this matter is not closed yet; close it (ownerVoteClose) first.');
  }
  if (vote.outcome !== 'PASSED') {
    refuse(['id'], UserErrorCode.INVALID_TRANSITION, `The owners did not pass this matter (${vote.outcome}); reject it with the result as the reason.`);
  }
}

/** Executing a dismissal ends the contract in force today. */
async function endContract(tx: Tx, compoundKey: number): Promise<void> {
  const today = chinaDate();
  await tx.update(propertyContracts).set({ endsOn: today, updatedAt: new Date() }).where(and(
    eq(propertyContracts.compoundId, compoundKey), lte(propertyContracts.startsOn, today), gte(propertyContracts.endsOn, today),
  ));
}

export function listMatters(ctx: Context, args: In.MajorMattersArgs) {
  const f = args.filter;
  return paginate(ctx.db, {
    table: majorMatters,
    where: and(
      compoundKeyScope(ctx.viewer, majorMatters.compoundId),
      f?.compoundId ? eq(majorMatters.compoundId, argumentKey(f.compoundId, 'Compound', 'filter.compoundId')) : undefined,
      f?.statuses?.length ? inArray(majorMatters.status, f.statuses) : undefined,
    ),
    ordering: { column: majorMatters.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asMatter,
  });
}

