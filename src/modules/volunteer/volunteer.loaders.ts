import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Context } from '../../context';
import { OrderDirection, pageWindow, type ForwardPageArgs, type Page } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { balancesOf, type Balance } from './bank.ledger';
import {
  entryScope, movementScope, redemptionScope, signupScope, tokenPartyMemberKey, tokenVolunteerKey, volunteerScope,
} from './volunteer.scope';
import {
  activities, activitySignups, bankAccounts, ledgerEntries, ledgerMovements, merchantItems, merchants, pointRates, redemptions,
  teamMemberships, volunteers, volunteerTeams,
} from './volunteer.tables';

export type VolunteerRow = typeof volunteers.$inferSelect;
export type TeamRow = typeof volunteerTeams.$inferSelect;
export type ActivityRow = typeof activities.$inferSelect;
export type SignupRow = typeof activitySignups.$inferSelect;
export type MerchantRow = typeof merchants.$inferSelect;
export type ItemRow = typeof merchantItems.$inferSelect;
export type RedemptionRow = typeof redemptions.$inferSelect;
export type MovementRow = typeof ledgerMovements.$inferSelect;
export type EntryRow = typeof ledgerEntries.$inferSelect;
export type PointRateRow = typeof pointRates.$inferSelect;

const volunteerNode = nodeMapper<VolunteerRow>('Volunteer');
export const asVolunteer = (row: VolunteerRow) => ({ ...volunteerNode(row), partyMember: row.partyMemberId !== null });
export type VolunteerNode = ReturnType<typeof asVolunteer>;
export const asTeam = nodeMapper<TeamRow>('VolunteerTeam');
export type TeamNode = ReturnType<typeof asTeam>;
export const asActivity = nodeMapper<ActivityRow>('VolunteerActivity');
export type ActivityNode = ReturnType<typeof asActivity>;
export const asSignup = nodeMapper<SignupRow>('ActivitySignup');
export type SignupNode = ReturnType<typeof asSignup>;
export const asMerchant = nodeMapper<MerchantRow>('Merchant');
export type MerchantNode = ReturnType<typeof asMerchant>;
export const asItem = nodeMapper<ItemRow>('MerchantItem');
export type ItemNode = ReturnType<typeof asItem>;
export const asRedemption = nodeMapper<RedemptionRow>('Redemption');
export type RedemptionNode = ReturnType<typeof asRedemption>;
export const asMovement = nodeMapper<MovementRow>('LedgerMovement');
export type MovementNode = ReturnType<typeof asMovement>;
export const asEntry = nodeMapper<EntryRow>('LedgerEntry');
export type EntryNode = ReturnType<typeof asEntry>;
export const asPointRate = nodeMapper<PointRateRow>('PointRate');

// By id -------------------------------------------------------------------------------------

export const volunteerById = (ctx: Context) => byIdLoader(ctx, 'Volunteer', volunteers, asVolunteer, volunteerScope(ctx.viewer));
export const teamById = (ctx: Context) => byIdLoader(ctx, 'VolunteerTeam', volunteerTeams, asTeam);
export const activityById = (ctx: Context) => byIdLoader(ctx, 'VolunteerActivity', activities, asActivity);
export const signupById = (ctx: Context) => byIdLoader(ctx, 'ActivitySignup', activitySignups, asSignup, signupScope(ctx.viewer));
export const merchantById = (ctx: Context) => byIdLoader(ctx, 'Merchant', merchants, asMerchant);
export const itemById = (ctx: Context) => byIdLoader(ctx, 'MerchantItem', merchantItems, asItem);
export const redemptionById = (ctx: Context) => byIdLoader(ctx, 'Redemption', redemptions, asRedemption, redemptionScope(ctx.viewer));
export const movementById = (ctx: Context) => byIdLoader(ctx, 'LedgerMovement', ledgerMovements, asMovement, movementScope(ctx.viewer));
export const entryById = (ctx: Context) => byIdLoader(ctx, 'LedgerEntry', ledgerEntries, asEntry, entryScope(ctx.viewer));
export const pointRateById = (ctx: Context) => byIdLoader(ctx, 'PointRate', pointRates, asPointRate);

/** Names are public (teams, leaderboards, the merchant's counter); the record behind them is not. */
export const volunteerNameById = (ctx: Context) =>
  ctx.loaders.get<number, string | null>('Volunteer.name', async (keys) => {
    const rows = await ctx.db.select({ id: volunteers.id, name: volunteers.name }).from(volunteers).where(inArray(volunteers.id, [...keys]));
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    return keys.map((k) => byId.get(k) ?? null);
  });

/** The viewer's own volunteer record: a VOLUNTEER token's, or a party member's banked one (null until first banked). */
/** The volunteer record that banks a party member's service; null until their first service. */
export const volunteerKeyOfPartyMember = (ctx: Context) =>
  ctx.loaders.get<number, number | null>('PartyMember.volunteer', async (keys) => {
    const rows = await ctx.db.select({ id: volunteers.id, memberId: volunteers.partyMemberId }).from(volunteers)
      .where(inArray(volunteers.partyMemberId, [...keys]));
    const byMember = new Map(rows.map((r) => [r.memberId, r.id]));
    return keys.map((k) => byMember.get(k) ?? null);
  });

export const viewerVolunteerKey = (ctx: Context): Promise<number | null> => {
  const own = tokenVolunteerKey(ctx.viewer);
  if (own !== null) return Promise.resolve(own);
  const member = tokenPartyMemberKey(ctx.viewer);
  if (member === null) return Promise.resolve(null);
  return volunteerKeyOfPartyMember(ctx).load(member);
};

// Balances ----------------------------------------------------------------------------------

const NO_BALANCE: Balance = { hours: '0.00', points: 0 };

/** Each volunteer's balance: the sum of their account's entries (none yet: zero). Two statements per batch. */
export const balanceOfVolunteer = (ctx: Context) =>
  ctx.loaders.get<number, Balance>('Volunteer.balance', async (keys) => {
    const accounts = await ctx.db.select({ id: bankAccounts.id, owner: bankAccounts.volunteerId }).from(bankAccounts)
      .where(inArray(bankAccounts.volunteerId, [...keys]));
    const balances = await balancesOf(ctx.db, accounts.map((a) => a.id));
    const byOwner = new Map(accounts.map((a) => [a.owner, balances.get(a.id)!]));
    return keys.map((k) => byOwner.get(k) ?? NO_BALANCE);
  });

/** Each merchant's points received: the sum of its account's entries. */
export const balanceOfMerchant = (ctx: Context) =>
  ctx.loaders.get<number, Balance>('Merchant.balance', async (keys) => {
    const accounts = await ctx.db.select({ id: bankAccounts.id, owner: bankAccounts.merchantId }).from(bankAccounts)
      .where(inArray(bankAccounts.merchantId, [...keys]));
    const balances = await balancesOf(ctx.db, accounts.map((a) => a.id));
    const byOwner = new Map(accounts.map((a) => [a.owner, balances.get(a.id)!]));
    return keys.map((k) => byOwner.get(k) ?? NO_BALANCE);
  });

export const accountOfVolunteer = (ctx: Context) =>
  ctx.loaders.get<number, number | null>('Volunteer.account', async (keys) => {
    const rows = await ctx.db.select({ id: bankAccounts.id, owner: bankAccounts.volunteerId }).from(bankAccounts)
      .where(inArray(bankAccounts.volunteerId, [...keys]));
    const byOwner = new Map(rows.map((r) => [r.owner, r.id]));
    return keys.map((k) => byOwner.get(k) ?? null);
  });

export interface AccountOwner {
  kind: (typeof bankAccounts.kind.enumValues)[number];
  volunteerId: number | null;
  merchantId: number | null;
}

export const accountById = (ctx: Context) =>
  ctx.loaders.get<number, AccountOwner | null>('BankAccount.byId', async (keys) => {
    const rows = await ctx.db.select().from(bankAccounts).where(inArray(bankAccounts.id, [...keys]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return keys.map((k) => byId.get(k) ?? null);
  });

// Movements ---------------------------------------------------------------------------------

/** The entries of each movement, in the order written; the movement itself is already scoped. */
export const entriesOfMovement = (ctx: Context) =>
  ctx.loaders.get<number, EntryNode[]>('LedgerMovement.entries', async (keys) => {
    const rows = await ctx.db.select().from(ledgerEntries).where(inArray(ledgerEntries.movementId, [...keys])).orderBy(asc(ledgerEntries.id));
    const byMovement = new Map<number, EntryNode[]>();
    for (const row of rows) byMovement.set(row.movementId, [...(byMovement.get(row.movementId) ?? []), asEntry(row)]);
    return keys.map((k) => byMovement.get(k) ?? []);
  });

/** The reversal of each movement, if it was reversed. */
export const reversalOf = (ctx: Context) =>
  ctx.loaders.get<number, MovementNode | null>('LedgerMovement.reversal', async (keys) => {
    const rows = await ctx.db.select().from(ledgerMovements)
      .where(and(inArray(ledgerMovements.reversesId, [...keys]), movementScope(ctx.viewer)));
    const byOriginal = new Map(rows.map((r) => [r.reversesId!, asMovement(r)]));
    return keys.map((k) => byOriginal.get(k) ?? null);
  });

/** The movement that paid each redemption. */
export const movementOfRedemption = (ctx: Context) =>
  ctx.loaders.get<number, MovementNode | null>('Redemption.movement', async (keys) => {
    const rows = await ctx.db.select().from(ledgerMovements)
      .where(and(eq(ledgerMovements.kind, 'REDEMPTION'), inArray(ledgerMovements.redemptionId, [...keys]), movementScope(ctx.viewer)));
    const byRedemption = new Map(rows.map((r) => [r.redemptionId!, asMovement(r)]));
    return keys.map((k) => byRedemption.get(k) ?? null);
  });

// Activities --------------------------------------------------------------------------------

/** The (public) activity of each sign-up, for movements that credit an attendance. */
export const activityOfSignup = (ctx: Context) =>
  ctx.loaders.get<number, ActivityNode | null>('ActivitySignup.activity', async (keys) => {
    const rows = await ctx.db.select({ signupId: activitySignups.id, activity: activities }).from(activitySignups)
      .innerJoin(activities, eq(activities.id, activitySignups.activityId)).where(inArray(activitySignups.id, [...keys]));
    const bySignup = new Map(rows.map((r) => [r.signupId, asActivity(r.activity)]));
    return keys.map((k) => bySignup.get(k) ?? null);
  });

/** Places taken in each activity: its sign-ups that were not cancelled. */
export const signedUpCount = (ctx: Context) =>
  ctx.loaders.get<number, number>('VolunteerActivity.signedUp', async (keys) => {
    const rows = await ctx.db.select({ activityId: activitySignups.activityId, n: sql<number>`count(*)::int`.mapWith(Number) })
      .from(activitySignups).where(and(inArray(activitySignups.activityId, [...keys]), isNull(activitySignups.cancelledAt)))
      .groupBy(activitySignups.activityId);
    const byActivity = new Map(rows.map((r) => [r.activityId, r.n]));
    return keys.map((k) => byActivity.get(k) ?? 0);
  });

/** The viewer's own sign-up for each activity, cancelled or not. */
export const viewerSignupOf = (ctx: Context, volunteerKey: number) =>
  ctx.loaders.get<number, SignupNode | null>(`VolunteerActivity.viewerSignup:${volunteerKey}`, async (keys) => {
    const rows = await ctx.db.select().from(activitySignups)
      .where(and(eq(activitySignups.volunteerId, volunteerKey), inArray(activitySignups.activityId, [...keys])));
    const byActivity = new Map(rows.map((r) => [r.activityId, asSignup(r)]));
    return keys.map((k) => byActivity.get(k) ?? null);
  });

export const activitiesOfTeam: ChildList<ActivityRow, ActivityNode> = {
  name: 'VolunteerTeam.activities',
  table: activities,
  parentColumn: activities.teamId,
  parentKey: 'teamId',
  ordering: { column: activities.startsAt, key: 'startsAt', direction: OrderDirection.DESC },
  map: asActivity,
};

const signupList = (name: string, parent: 'activityId' | 'volunteerId', direction: OrderDirection, includeCancelled: boolean): ChildList<SignupRow, SignupNode> => ({
  name: `${name}${includeCancelled ? ':all' : ''}`,
  table: activitySignups,
  parentColumn: activitySignups[parent],
  parentKey: parent,
  ordering: { column: activitySignups.id, key: 'id', direction },
  map: asSignup,
  where: includeCancelled ? undefined : isNull(activitySignups.cancelledAt),
});

/** An activity's sign-ups in the order they came; the resolver shows them only to its organiser and the staff. */
export const signupsOfActivity = (includeCancelled: boolean) => signupList('VolunteerActivity.signups', 'activityId', OrderDirection.ASC, includeCancelled);
/** A volunteer's sign-ups, latest first; the volunteer is already scoped. */
export const signupsOfVolunteer = (includeCancelled: boolean) => signupList('Volunteer.signups', 'volunteerId', OrderDirection.DESC, includeCancelled);

// Teams -------------------------------------------------------------------------------------

/** The teams each volunteer belongs to, by name. */
export const teamsOfVolunteer = (ctx: Context) =>
  ctx.loaders.get<number, TeamNode[]>('Volunteer.teams', async (keys) => {
    const rows = await ctx.db.select({ volunteerId: teamMemberships.volunteerId, team: volunteerTeams }).from(teamMemberships)
      .innerJoin(volunteerTeams, eq(volunteerTeams.id, teamMemberships.teamId))
      .where(inArray(teamMemberships.volunteerId, [...keys])).orderBy(asc(volunteerTeams.name), asc(volunteerTeams.id));
    const byVolunteer = new Map<number, TeamNode[]>();
    for (const row of rows) byVolunteer.set(row.volunteerId, [...(byVolunteer.get(row.volunteerId) ?? []), asTeam(row.team)]);
    return keys.map((k) => byVolunteer.get(k) ?? []);
  });

export interface TeamMemberRow {
  /** The volunteer's key: one membership per team and volunteer. */
  id: number;
  teamId: number;
  name: string;
  joinedAt: Date;
  leader: boolean;
}

const memberColumns = {
  id: teamMemberships.volunteerId,
  teamId: teamMemberships.teamId,
  name: volunteers.name,
  joinedAt: teamMemberships.joinedAt,
  leader: sql<boolean>`coalesce(${volunteerTeams.leaderId} = ${teamMemberships.volunteerId}, false)`.as('leader'),
};

/** Membership of (team, volunteer) pairs, keyed "team:volunteer": a team's leader as a member. */
export const teamMember = (ctx: Context) =>
  ctx.loaders.get<string, TeamMemberRow | null>('VolunteerTeam.member', async (keys) => {
    const pairs = keys.map((k) => k.split(':').map(Number));
    const rows = await ctx.db.select(memberColumns).from(teamMemberships)
      .innerJoin(volunteers, eq(volunteers.id, teamMemberships.volunteerId))
      .innerJoin(volunteerTeams, eq(volunteerTeams.id, teamMemberships.teamId))
      .where(sql`(${teamMemberships.teamId}, ${teamMemberships.volunteerId}) in (${sql.join(pairs.map(([t, v]) => sql`(${t}, ${v})`), sql`, `)})`);
    const byPair = new Map(rows.map((r) => [`${r.teamId}:${r.id}`, r]));
    return keys.map((k) => byPair.get(k) ?? null);
  });

function memberCursor(volunteerKey: number): string {
  return Buffer.from(JSON.stringify([volunteerKey, volunteerKey]), 'utf8').toString('base64url');
}

/**
 * The same page of members under each of many teams, in one statement. A membership has no
 * id of its own (one per team and volunteer), so the page is keyed on the volunteer, with
 * cursors in the same form as every other list's.
 */
export function membersOfTeam(ctx: Context, args: ForwardPageArgs, teamKey: number): Promise<Page<TeamMemberRow>> {
  const window = pageWindow(args);
  const after = window.cursor === null ? 0 : window.cursor[1];
  const loader = ctx.loaders.get<number, Page<TeamMemberRow>>(`VolunteerTeam.members:${args.first ?? ''}:${args.after ?? ''}`, async (keys) => {
    const beyond = sql`${teamMemberships.volunteerId} > ${after}`;
    const ranked = ctx.db.select({
      ...memberColumns,
      rank: sql<number>`row_number() over (partition by ${teamMemberships.teamId}, ${beyond} order by ${teamMemberships.volunteerId})`.mapWith(Number).as('rank'),
      total: sql<number>`count(*) over (partition by ${teamMemberships.teamId})`.mapWith(Number).as('total'),
      beyond: sql<boolean>`${beyond}`.as('beyond'),
    }).from(teamMemberships)
      .innerJoin(volunteers, eq(volunteers.id, teamMemberships.volunteerId))
      .innerJoin(volunteerTeams, eq(volunteerTeams.id, teamMemberships.teamId))
      .where(inArray(teamMemberships.teamId, [...keys]))
      .as('ranked');
    const rows = await ctx.db.select().from(ranked)
      .where(and(sql`${ranked.beyond}`, sql`${ranked.rank} <= ${window.limit + 1}`)).orderBy(ranked.rank);
    return keys.map((key) => {
      const mine = rows.filter((r) => r.teamId === key);
      const kept = mine.slice(0, window.limit).map(({ rank, total, beyond: _beyond, ...member }) => member);
      const edges = kept.map((member) => ({ cursor: memberCursor(member.id), node: member }));
      return {
        edges,
        nodes: kept,
        pageInfo: {
          hasNextPage: mine.length > window.limit,
          hasPreviousPage: window.cursor !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        totalCount: mine[0]?.total ?? 0,
      };
    });
  });
  return loader.load(teamKey);
}

// Merchants ---------------------------------------------------------------------------------

export const itemsOfMerchant = (includeInactive: boolean): ChildList<ItemRow, ItemNode> => ({
  name: `Merchant.items${includeInactive ? ':all' : ''}`,
  table: merchantItems,
  parentColumn: merchantItems.merchantId,
  parentKey: 'merchantId',
  ordering: { column: merchantItems.id, key: 'id', direction: OrderDirection.ASC },
  map: asItem,
  where: includeInactive ? undefined : eq(merchantItems.active, true),
});

/** A merchant's redemptions, newest first; the resolver shows them only to the merchant and the staff. */
export const redemptionsOfMerchant: ChildList<RedemptionRow, RedemptionNode> = {
  name: 'Merchant.redemptions',
  table: redemptions,
  parentColumn: redemptions.merchantId,
  parentKey: 'merchantId',
  ordering: { column: redemptions.id, key: 'id', direction: OrderDirection.DESC },
  map: asRedemption,
};

/** A volunteer's redemptions, newest first; the volunteer is already scoped. */
export const redemptionsOfVolunteer: ChildList<RedemptionRow, RedemptionNode> = {
  name: 'Volunteer.redemptions',
  table: redemptions,
  parentColumn: redemptions.volunteerId,
  parentKey: 'volunteerId',
  ordering: { column: redemptions.id, key: 'id', direction: OrderDirection.DESC },
  map: asRedemption,
};

/** The history of a volunteer without an account yet: nothing earned, nothing spent. */
export function noEntries(args: ForwardPageArgs): Page<EntryNode> {
  const window = pageWindow(args);
  return {
    edges: [],
    nodes: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: window.cursor !== null, startCursor: null, endCursor: null },
    totalCount: 0,
  };
}

/** The entries of an account, newest first: a volunteer's history. */
export const historyOfAccount: ChildList<EntryRow, EntryNode> = {
  name: 'Volunteer.history',
  table: ledgerEntries,
  parentColumn: ledgerEntries.accountId,
  parentKey: 'accountId',
  ordering: { column: ledgerEntries.id, key: 'id', direction: OrderDirection.DESC },
  map: asEntry,
};
