import { and, eq, sql } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import { rowsOf, type Tx } from '../../db/client';
import { MAX_PAGE_SIZE, OrderDirection, paginate, type PageArgs } from '../../graphql/connection';
import { argumentKey, badUserInput, keyOf, refuse, UserErrorCode } from '../../graphql/errors';
import { toGlobalId } from '../../graphql/ids';
import { validateInput } from '../../graphql/payload';
import { assertMayChange } from '../grid/grid.service';
import { earnedInPeriod, reverseMovement, unbalancedMovements } from './bank.ledger';
import type * as In from './volunteer.inputs';
import { asMovement, asPointRate } from './volunteer.loaders';
import { rateDateRefusal } from './volunteer.rules';
import { refuseAll, requiredText } from './volunteer.service';
import {
  activitySignups, bankAccounts, ledgerEntries, ledgerMovements, merchantItems, pointRates, redemptions, volunteers,
} from './volunteer.tables';
import { LeaderboardMeasure } from './volunteer.types';

// Point rates -------------------------------------------------------------------------------

export function listPointRates(ctx: Context, args: PageArgs) {
  return paginate(ctx.db, {
    table: pointRates, where: undefined, args, map: asPointRate,
    ordering: { column: pointRates.effectiveFrom, key: 'effectiveFrom', direction: OrderDirection.DESC },
  });
}

/** The city publishes a rate (积分兑换比例) from a day on; days already served keep the rate they had. */
export async function publishPointRate(tx: Tx, viewer: Viewer, input: In.PointRatePublishInput) {
  const refusal = rateDateRefusal(input.effectiveFrom, chinaDate());
  if (refusal) refuse(['input', 'effectiveFrom'], UserErrorCode.INVALID, refusal);
  const [row] = await tx.insert(pointRates).values({
    pointsPerHour: input.pointsPerHour, effectiveFrom: input.effectiveFrom, publishedBy: viewer.subject!,
  }).onConflictDoNothing().returning();
  if (!row) refuse(['input', 'effectiveFrom'], UserErrorCode.DUPLICATE, `A rate from ${input.effectiveFrom} is published already.`);
  return asPointRate(row);
}

// Reversal ----------------------------------------------------------------------------------

/**
 * Corrects a movement with its mirror image (冲正), by the staff above the volunteer whose
 * account it moved. A reversed attendance can be confirmed again with the right hours; a
 * reversed redemption gives the points back and puts the items back in stock.
 */
export async function reverse(tx: Tx, viewer: Viewer, args: In.LedgerReverseArgs) {
  const errors = await validateInput(args, []);
  const reason = requiredText(args.reason, ['reason'], 'Say why the movement is reversed.', errors);
  refuseAll(errors);
  const field = ['movementId'];
  const key = keyOf(args.movementId, 'LedgerMovement', field);
  const [movement] = await tx.select().from(ledgerMovements).where(eq(ledgerMovements.id, key));
  if (!movement) refuse(field, UserErrorCode.NOT_FOUND, 'No ledger movement has this ID.');
  const [owner] = await tx.select({ districtId: volunteers.districtId, streetId: volunteers.streetId, communityId: volunteers.communityId })
    .from(ledgerEntries)
    .innerJoin(bankAccounts, eq(bankAccounts.id, ledgerEntries.accountId))
    .innerJoin(volunteers, eq(volunteers.id, bankAccounts.volunteerId))
    .where(eq(ledgerEntries.movementId, key)).limit(1);
  if (!owner) refuse(field, UserErrorCode.INVALID, 'This movement moved no volunteer\'s account; it is not corrected here.');
  await assertMayChange(tx, viewer, owner, field);

  const redemption = movement.kind === 'REDEMPTION' && movement.redemptionId !== null
    ? (await tx.select().from(redemptions).where(eq(redemptions.id, movement.redemptionId)))[0]
    : undefined;
  // The item first, as a redemption locks it, so the two never wait on each other crosswise.
  if (redemption) await tx.select({ id: merchantItems.id }).from(merchantItems).where(eq(merchantItems.id, redemption.itemId)).for('update');

  const reversalId = await reverseMovement(tx, key, { subject: viewer.subject!, role: viewer.role! }, reason, chinaDate(), field);
  if (movement.kind === 'ATTENDANCE' && movement.signupId !== null) {
    await tx.update(activitySignups).set({ attendedHours: null, attendanceConfirmedAt: null, updatedAt: new Date() })
      .where(and(eq(activitySignups.id, movement.signupId), eq(activitySignups.movementId, key)));
  }
  if (redemption) {
    await tx.update(merchantItems).set({ stock: sql`${merchantItems.stock} + ${redemption.quantity}`, updatedAt: new Date() })
      .where(and(eq(merchantItems.id, redemption.itemId), sql`${merchantItems.stock} is not null`));
  }
  const [row] = await tx.select().from(ledgerMovements).where(eq(ledgerMovements.id, reversalId));
  return asMovement(row);
}

// Verification ------------------------------------------------------------------------------

/** Checks that every movement of the whole ledger balances per asset. */
export async function verifyLedger(ctx: Context) {
  const { movements, entries, unbalanced } = await unbalancedMovements(ctx.db);
  return {
    movementsChecked: movements,
    entriesChecked: entries,
    balanced: unbalanced.length === 0,
    unbalanced: unbalanced.map((u) => ({ ...u, movementKey: u.movementId, movementId: toGlobalId('LedgerMovement', u.movementId) })),
  };
}

// Leaderboard -------------------------------------------------------------------------------

export interface LeaderboardArgs {
  community: string;
  from: string;
  to: string;
  by: LeaderboardMeasure;
  first: number;
}

/**
 * A community's volunteers ranked by what they earned in a period (inclusive days, in China):
 * hours or points from attendance and wishes. A reversal counts on the day of the movement it
 * corrects, so a corrected period nets to what was really served; spending points (a
 * redemption) is no earning and lowers no rank. Ties share a rank.
 */
export async function leaderboard(ctx: Context, args: LeaderboardArgs) {
  const community = argumentKey(args.community, 'Community', 'community');
  if (args.from > args.to) throw badUserInput('`from` must not be after `to`.', 'from');
  if (args.first < 1 || args.first > MAX_PAGE_SIZE) throw badUserInput(`\`first\` must be 1 to ${MAX_PAGE_SIZE}, got ${args.first}.`, 'first');
  const measure = args.by === LeaderboardMeasure.POINTS ? sql`earned.points` : sql`earned.hours`;
  const rows = await rowsOf<{ name: string; hours: string; points: string; rank: string }>(ctx.db, sql`
    with earned as (${earnedInPeriod(sql`(select ${volunteers.id} from ${volunteers} where ${volunteers.communityId} = ${community})`, args.from, args.to)})
    select v.name, earned.hours::numeric(14,2)::text as hours, earned.points::bigint::text as points,
      (rank() over (order by ${measure} desc))::text as rank
    from earned join ${volunteers} v on v.id = earned.volunteer_id
    where ${measure} > 0
    order by ${measure} desc, v.id
    limit ${args.first}`);
  return rows.map((r) => ({ rank: Number(r.rank), name: r.name, hours: r.hours, points: Number(r.points) }));
}
