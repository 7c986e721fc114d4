import { inArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { toGlobalId } from '../../graphql/ids';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { buildings } from '../grid/grid.tables';
import { partyMemberById } from '../party/member.loaders';
import { reportingUnits } from '../party/party.tables';
import { volunteers } from '../volunteer/volunteer.tables';
import { freeTextSource, revealPersonalData } from '../audit/personal-data';
import { partyScope, WISH_UNITS, wishScope } from './wish.scope';
import { wishes, wishTransitions } from './wish.tables';

export type WishRow = typeof wishes.$inferSelect;
export type TransitionRow = typeof wishTransitions.$inferSelect;

export const asWish = nodeMapper<WishRow>('Wish');
export type WishNode = ReturnType<typeof asWish>;
export const asTransition = nodeMapper<TransitionRow>('WishTransition');
export type TransitionNode = ReturnType<typeof asTransition>;

const WISH_DATES = ['submittedAt', 'publishedAt', 'claimedAt', 'fulfilledAt', 'closedAt', 'createdAt', 'updatedAt'] as const;

/** A wish as an event recorded it (JSON in the outbox), with its dates as dates again. */
export function wishFromSnapshot(snapshot: Record<string, unknown>): WishNode {
  const row = { ...snapshot };
  for (const key of WISH_DATES) if (typeof row[key] === 'string') row[key] = new Date(row[key] as string);
  return asWish(row as unknown as WishRow);
}

export function transitionFromSnapshot(snapshot: Record<string, unknown>): TransitionNode {
  return asTransition({ ...(snapshot as unknown as TransitionRow), at: new Date(snapshot.at as string) });
}

export const wishById = (ctx: Context) => byIdLoader(ctx, 'Wish', wishes, asWish, wishScope(ctx.viewer));

/** A step of the timeline, for those who may read the wish's timeline. */
export const transitionById = (ctx: Context) =>
  byIdLoader(ctx, 'WishTransition', wishTransitions, asTransition,
    sql`${wishTransitions.wishId} in (select ${wishes.id} from ${wishes} where ${partyScope(ctx.viewer) ?? sql`true`})`);

export const timelineOfWish: ChildList<TransitionRow, TransitionNode> = {
  name: 'Wish.timeline',
  table: wishTransitions,
  parentColumn: wishTransitions.wishId,
  parentKey: 'wishId',
  ordering: { column: wishTransitions.id, key: 'id', direction: OrderDirection.ASC },
  map: asTransition,
};

/** One text column of rows by id, batched; the wish module reads names and addresses this way without their modules' scopes. */
function textById(ctx: Context, name: string, table: PgTable, column: PgColumn, key: number): Promise<string | null> {
  const idColumn = (table as unknown as { id: PgColumn }).id;
  return ctx.loaders.get<number, string | null>(name, async (keys) => {
    const rows = await ctx.db.select({ id: idColumn, text: column }).from(table).where(inArray(idColumn, [...keys])) as { id: number; text: string }[];
    const byId = new Map(rows.map((r) => [r.id, r.text]));
    return keys.map((k) => byId.get(k) ?? null);
  }).load(key);
}

/** Where to go: the building's address. The room stays with the household, which only staff and the resident read. */
export const placeOf = (ctx: Context, wish: WishNode) => textById(ctx, 'Wish.place', buildings, buildings.address, wish.buildingId);

interface Claimant {
  type: 'PartyMember' | 'Volunteer' | 'ReportingUnit';
  key: number;
}

function claimantOf(wish: WishNode): Claimant | null {
  switch (wish.claimantKind) {
    case 'PARTY_MEMBER':
      return { type: 'PartyMember', key: wish.claimantMemberId! };
    case 'VOLUNTEER':
      return { type: 'Volunteer', key: wish.claimantVolunteerId! };
    case 'UNIT':
      return { type: 'ReportingUnit', key: wish.claimantUnitId! };
    default:
      return null;
  }
}

/**
 * The claimant as the viewer may know them: a party member who does not show the identity
 * (亮身份) is named only to the staff who manage them and to themself; to everyone else the
 * wish says only that a party member took it.
 */
async function knownClaimant(ctx: Context, wish: WishNode): Promise<(Claimant & { name?: string }) | null> {
  const claimant = claimantOf(wish);
  if (claimant?.type !== 'PartyMember') return claimant;
  const member = await partyMemberById(ctx).load(claimant.key);
  return member === null ? null : { ...claimant, name: member.name };
}

/** Global ID of the party member, volunteer or reporting unit that claimed the wish. */
export async function claimantIdOf(ctx: Context, wish: WishNode): Promise<string | null> {
  const claimant = await knownClaimant(ctx, wish);
  return claimant === null ? null : toGlobalId(claimant.type, claimant.key);
}

const NAME_COLUMNS = {
  Volunteer: [volunteers, volunteers.name],
  ReportingUnit: [reportingUnits, reportingUnits.name],
} as const;

/** The claimant's name: whoever may read a claimed wish takes part in it and needs to know who comes. */
export async function claimantNameOf(ctx: Context, wish: WishNode): Promise<string | null> {
  const claimant = await knownClaimant(ctx, wish);
  if (claimant === null) return null;
  if (claimant.type === 'PartyMember') return claimant.name!;
  const [table, column] = NAME_COLUMNS[claimant.type];
  return textById(ctx, `Wish.claimantName:${claimant.type}`, table, column, claimant.key);
}

/** Whole title and detail of wishes of the viewer's area (the access log is written by revealPersonalData). */
const WISH_TEXT = freeTextSource('Wish', wishes, { title: wishes.title, detail: wishes.detail }, WISH_UNITS);

export function wishTextOf(ctx: Context, wishKey: number, reason: string) {
  return revealPersonalData(ctx, WISH_TEXT, wishKey, reason);
}
