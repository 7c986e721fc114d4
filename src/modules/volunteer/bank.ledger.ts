/**
 * The love bank's double-entry books (爱心银行): the one place movements and entries are
 * written. A balance is always the sum of an account's entries; a correction is a reversal.
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Queryable, type Tx } from '../../db/client';
import { refuse, UserErrorCode } from '../../graphql/errors';
import { decimalOf, hundredths, imbalances, pointsFor, reversed, type Asset, type Posting } from './bank.amounts';
import { partyMembers } from '../party/party.tables';
import { bankAccounts, ledgerEntries, ledgerMovements, pointRates, volunteers } from './volunteer.tables';

export type MovementKind = (typeof ledgerMovements.kind.enumValues)[number];

export interface MovementFacts {
  kind: MovementKind;
  occurredOn: string;
  actor: { subject: string; role: string };
  signupId?: number | null;
  wishId?: number | null;
  redemptionId?: number | null;
  reversesId?: number | null;
  pointsPerHour?: number | null;
  note?: string | null;
}

/** Writes one movement and its entries; an unbalanced movement is a programming error, never written. */
export async function postMovement(tx: Tx, facts: MovementFacts, postings: readonly Posting[]): Promise<number> {
  const unbalanced = imbalances(postings);
  if (postings.length === 0 || unbalanced.length > 0) {
    throw new Error(`A ${facts.kind} movement must balance per asset; off by ${JSON.stringify(unbalanced)}.`);
  }
  const [movement] = await tx.insert(ledgerMovements).values({
    kind: facts.kind,
    occurredOn: facts.occurredOn,
    actorSubject: facts.actor.subject,
    actorRole: facts.actor.role,
    signupId: facts.signupId ?? null,
    wishId: facts.wishId ?? null,
    redemptionId: facts.redemptionId ?? null,
    reversesId: facts.reversesId ?? null,
    pointsPerHour: facts.pointsPerHour ?? null,
    note: facts.note ?? null,
  }).returning({ id: ledgerMovements.id });
  await tx.insert(ledgerEntries).values(postings.map((p) => ({
    movementId: movement.id, accountId: p.accountId, asset: p.asset, amount: p.amount, occurredOn: facts.occurredOn,
  })));
  return movement.id;
}

export interface Balance {
  hours: string;
  points: number;
}

const ZERO: Balance = { hours: '0.00', points: 0 };

/** Balances of these accounts, summed from their entries. */
export async function balancesOf(db: Queryable, accountIds: readonly number[]): Promise<Map<number, Balance>> {
  const balances = new Map<number, Balance>();
  if (accountIds.length === 0) return balances;
  const rows = await db.select({
    accountId: ledgerEntries.accountId,
    hours: sql<string>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.asset} = 'HOURS'), 0)::numeric(14,2)::text`,
    points: sql<string>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.asset} = 'POINTS'), 0)::bigint::text`,
  }).from(ledgerEntries).where(inArray(ledgerEntries.accountId, [...accountIds])).groupBy(ledgerEntries.accountId);
  for (const id of accountIds) balances.set(id, ZERO);
  for (const row of rows) balances.set(row.accountId, { hours: row.hours, points: Number(row.points) });
  return balances;
}

/**
 * Locks the accounts a movement debits, in id order so that two movements never wait on
 * each other crosswise. Whoever holds the lock reads a balance no one else can lower until
 * it commits: that is what keeps a balance from going negative under concurrency. The lock
 * is NO KEY UPDATE, not UPDATE: a credit's entry only takes KEY SHARE on the account (its
 * foreign key), so credits never wait for a debit, and a credit cannot take a balance below zero.
 */
async function lockAccounts(tx: Tx, accountIds: readonly number[]): Promise<void> {
  if (accountIds.length === 0) return;
  await tx.select({ id: bankAccounts.id }).from(bankAccounts)
    .where(inArray(bankAccounts.id, [...accountIds])).orderBy(asc(bankAccounts.id)).for('no key update');
}

/**
 * Refuses (on `field`) when the debits of these postings would take any volunteer's or
 * merchant's balance below zero. The system accounts are the other side of every credit and
 * run negative by design.
 */
async function assertCovered(tx: Tx, postings: readonly Posting[], field: string[]): Promise<void> {
  const debited = [...new Set(postings.filter((p) => hundredths(p.amount) < 0n).map((p) => p.accountId))];
  if (debited.length === 0) return;
  const owned = await tx.select({ id: bankAccounts.id }).from(bankAccounts)
    .where(and(inArray(bankAccounts.id, debited), inArray(bankAccounts.kind, ['VOLUNTEER', 'MERCHANT'])));
  const guarded = owned.map((a) => a.id);
  await lockAccounts(tx, guarded);
  const balances = await balancesOf(tx, guarded);
  for (const accountId of guarded) {
    const balance = balances.get(accountId)!;
    for (const asset of ['HOURS', 'POINTS'] as const) {
      const change = postings.filter((p) => p.accountId === accountId && p.asset === asset)
        .reduce((sum, p) => sum + hundredths(p.amount), 0n);
      const current = asset === 'HOURS' ? hundredths(balance.hours) : BigInt(balance.points) * 100n;
      if (current + change < 0n) {
        const have = asset === 'HOURS' ? `${balance.hours} hours` : `${balance.points} points`;
        refuse(field, UserErrorCode.INSUFFICIENT_BALANCE, `The balance is ${have}; this needs ${decimalOf(-change)}.`);
      }
    }
  }
}

/** Posts a movement that debits owned accounts, refusing it when a balance would go negative. */
export async function postCoveredMovement(tx: Tx, facts: MovementFacts, postings: readonly Posting[], field: string[]): Promise<number> {
  await assertCovered(tx, postings, field);
  return postMovement(tx, facts, postings);
}

type SystemAccountKind = 'SERVICE_SOURCE' | 'POINTS_ISSUED';

async function systemAccount(tx: Tx, kind: SystemAccountKind): Promise<number> {
  const [account] = await tx.select({ id: bankAccounts.id }).from(bankAccounts).where(eq(bankAccounts.kind, kind));
  return account.id;
}

/**
 * The account of a volunteer or merchant, opened on its first movement. Looked up first, so
 * that the usual case writes nothing; two first movements at once meet on the unique index.
 */
async function ownedAccount(tx: Tx, owner: { volunteerId: number } | { merchantId: number }): Promise<number> {
  const where = 'volunteerId' in owner ? eq(bankAccounts.volunteerId, owner.volunteerId) : eq(bankAccounts.merchantId, owner.merchantId);
  const [existing] = await tx.select({ id: bankAccounts.id }).from(bankAccounts).where(where);
  if (existing) return existing.id;
  await tx.insert(bankAccounts).values({ kind: 'volunteerId' in owner ? 'VOLUNTEER' : 'MERCHANT', ...owner }).onConflictDoNothing();
  const [account] = await tx.select({ id: bankAccounts.id }).from(bankAccounts).where(where);
  return account.id;
}

/** The volunteer's account, opened on its first movement. */
export function volunteerAccount(tx: Tx, volunteerId: number): Promise<number> {
  return ownedAccount(tx, { volunteerId });
}

/**
 * The volunteer record that banks a party member's service (在职党员进社区 is recorded the
 * same way as volunteering, DOMAIN.md §5), registered on first use.
 */
export async function volunteerOfPartyMember(tx: Tx, memberId: number): Promise<number> {
  const [banked] = await tx.select({ id: volunteers.id }).from(volunteers).where(eq(volunteers.partyMemberId, memberId));
  if (banked) return banked.id;
  const [member] = await tx.select().from(partyMembers).where(eq(partyMembers.id, memberId));
  if (!member) throw new Error(`Party member ${memberId} does not exist.`);
  // A resident member who already volunteers keeps one record, and one balance.
  if (member.residentId !== null) {
    const [linked] = await tx.update(volunteers).set({ partyMemberId: memberId, updatedAt: new Date() })
      .where(and(eq(volunteers.residentId, member.residentId), isNull(volunteers.partyMemberId))).returning({ id: volunteers.id });
    if (linked) return linked.id;
  }
  // Two first sign-ups of one member at once meet on the unique index; the second reads the first's record.
  await tx.insert(volunteers).values({
    districtId: member.districtId, streetId: member.streetId, communityId: member.communityId,
    residentId: member.residentId, partyMemberId: memberId, name: member.name, phone: member.phone,
  }).onConflictDoNothing();
  const [created] = await tx.select({ id: volunteers.id }).from(volunteers).where(eq(volunteers.partyMemberId, memberId));
  return created.id;
}

/** The merchant's account, opened on its first redemption. */
export function merchantAccount(tx: Tx, merchantId: number): Promise<number> {
  return ownedAccount(tx, { merchantId });
}

/** The published points-per-hour rate in force on a day (China date, 'YYYY-MM-DD'). */
export async function rateOn(db: Queryable, day: string): Promise<number> {
  const [rate] = await db.select({ pointsPerHour: pointRates.pointsPerHour }).from(pointRates)
    .where(lte(pointRates.effectiveFrom, day)).orderBy(desc(pointRates.effectiveFrom)).limit(1);
  if (!rate) refuse(null, UserErrorCode.INVALID, `No point rate was published for ${day}.`);
  return rate.pointsPerHour;
}

export interface ServiceCredit {
  kind: 'ATTENDANCE' | 'WISH';
  volunteerId: number;
  hours: string;
  occurredOn: string;
  actor: { subject: string; role: string };
  signupId?: number;
  wishId?: number;
  note?: string | null;
}

/** Confirmed service: hours to the volunteer, and points at the rate of the day the service happened. */
export async function creditService(tx: Tx, credit: ServiceCredit): Promise<number> {
  if (hundredths(credit.hours) <= 0n) refuse(null, UserErrorCode.INVALID, `Service of ${credit.hours} hours earns nothing; hours must be more than zero.`);
  const pointsPerHour = await rateOn(tx, credit.occurredOn);
  const points = pointsFor(credit.hours, pointsPerHour);
  const [account, served, issued] = await Promise.all([
    volunteerAccount(tx, credit.volunteerId), systemAccount(tx, 'SERVICE_SOURCE'), systemAccount(tx, 'POINTS_ISSUED'),
  ]);
  const hours = decimalOf(hundredths(credit.hours));
  const postings: Posting[] = [
    { accountId: account, asset: 'HOURS', amount: hours },
    { accountId: served, asset: 'HOURS', amount: decimalOf(-hundredths(hours)) },
  ];
  if (points > 0) {
    postings.push({ accountId: account, asset: 'POINTS', amount: `${points}.00` }, { accountId: issued, asset: 'POINTS', amount: `-${points}.00` });
  }
  return postMovement(tx, {
    kind: credit.kind, occurredOn: credit.occurredOn, actor: credit.actor, signupId: credit.signupId, wishId: credit.wishId,
    pointsPerHour, note: credit.note,
  }, postings);
}

/** The entries of a movement, as postings. */
export async function postingsOf(db: Queryable, movementId: number): Promise<Posting[]> {
  const rows = await db.select({ accountId: ledgerEntries.accountId, asset: ledgerEntries.asset, amount: ledgerEntries.amount })
    .from(ledgerEntries).where(eq(ledgerEntries.movementId, movementId)).orderBy(asc(ledgerEntries.id));
  return rows.map((r) => ({ accountId: r.accountId, asset: r.asset as Asset, amount: r.amount }));
}

/**
 * Reverses a movement with its mirror image (冲正); the original stays as it was. Refused
 * when the movement is itself a reversal, was reversed already, or when taking the credit
 * back would leave a balance below zero (the points were spent).
 */
export async function reverseMovement(
  tx: Tx, movementId: number, actor: { subject: string; role: string }, note: string, occurredOn: string, field: string[],
): Promise<number> {
  const [movement] = await tx.select().from(ledgerMovements).where(eq(ledgerMovements.id, movementId)).for('update');
  if (!movement) refuse(field, UserErrorCode.NOT_FOUND, 'No ledger movement has this ID.');
  if (movement.kind === 'REVERSAL') refuse(field, UserErrorCode.INVALID_TRANSITION, 'A reversal is not reversed; record the movement again instead.');
  const [already] = await tx.select({ id: ledgerMovements.id }).from(ledgerMovements).where(eq(ledgerMovements.reversesId, movementId));
  if (already) refuse(field, UserErrorCode.INVALID_TRANSITION, 'This movement was reversed already.');
  return postCoveredMovement(tx, {
    kind: 'REVERSAL', occurredOn, actor, reversesId: movementId, signupId: movement.signupId, wishId: movement.wishId,
    redemptionId: movement.redemptionId, note,
  }, reversed(await postingsOf(tx, movementId)), field);
}

export interface LedgerImbalance {
  movementId: number;
  /** Null for a movement without any entries. */
  asset: Asset | null;
  sum: string;
}

/** Every movement whose entries do not sum to zero per asset, or that has no entries at all. */
export async function unbalancedMovements(db: Queryable): Promise<{ movements: number; entries: number; unbalanced: LedgerImbalance[] }> {
  const [counts] = await rowsOf<{ movements: string; entries: string }>(db, sql`
    select (select count(*) from ${ledgerMovements})::text as movements, (select count(*) from ${ledgerEntries})::text as entries`);
  const unbalanced = await rowsOf<{ movement_id: number; asset: Asset | null; sum: string }>(db, sql`
    select m.id as movement_id, e.asset, coalesce(sum(e.amount), 0)::numeric(14,2)::text as sum
    from ${ledgerMovements} m left join ${ledgerEntries} e on e.movement_id = m.id
    group by m.id, e.asset
    having e.asset is null or sum(e.amount) <> 0
    order by m.id, e.asset`);
  return {
    movements: Number(counts.movements),
    entries: Number(counts.entries),
    unbalanced: unbalanced.map((r) => ({ movementId: r.movement_id, asset: r.asset, sum: r.sum })),
  };
}

/**
 * What volunteers earned (hours, points) from service on days `from`..`to`, one row per
 * volunteer (`volunteer_id`, `hours`, `points`): a subquery for leaderboards and dashboards.
 * A reversal counts on the day of the movement it corrects, so a corrected period nets to
 * what was really served; spending (a redemption) is no earning. `recordedBy` leaves out
 * movements written after that instant.
 */
export function earnedInPeriod(volunteerIds: SQL, from: string, to: string, recordedBy?: Date): SQL {
  return sql`
    select a.volunteer_id,
      coalesce(sum(e.amount) filter (where e.asset = 'HOURS'), 0) as hours,
      coalesce(sum(e.amount) filter (where e.asset = 'POINTS'), 0) as points
    from ${ledgerEntries} e
    join ${bankAccounts} a on a.id = e.account_id
    join ${ledgerMovements} m on m.id = e.movement_id
    left join ${ledgerMovements} o on o.id = m.reverses_id
    where a.volunteer_id in ${volunteerIds}
      and coalesce(o.kind, m.kind) in ('ATTENDANCE', 'WISH')
      and coalesce(o.occurred_on, m.occurred_on) between ${from} and ${to}
      ${recordedBy ? sql`and m.created_at <= ${recordedBy.toISOString()}::timestamptz` : sql``}
    group by a.volunteer_id`;
}
