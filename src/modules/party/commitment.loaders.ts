import { inArray, sql } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import type { Context } from '../../context';
import { rowsOf } from '../../db/client';
import { OrderDirection, type Ordering } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { households } from '../grid/grid.tables';
import { commitmentRating, type RatingCounts } from './commitment.rules';
import type { CommitmentRating } from './commitment.types';
import { commitmentRatings, commitments, partyMembers, partyOrganisations } from './party.tables';

export type CommitmentRow = typeof commitments.$inferSelect;

const commitmentNode = nodeMapper<CommitmentRow>('Commitment');
export const asCommitment = (row: CommitmentRow) => ({ ...commitmentNode(row), active: row.withdrawnAt === null });
export type CommitmentNode = ReturnType<typeof asCommitment>;

export const COMMITMENT_ORDER: Ordering = { column: commitments.id, key: 'id', direction: OrderDirection.DESC };

export const commitmentById = (ctx: Context) => byIdLoader(ctx, 'Commitment', commitments, asCommitment);

export const commitmentsOfMember: ChildList<CommitmentRow, CommitmentNode> = {
  name: 'PartyMember.commitments',
  table: commitments,
  parentColumn: commitments.memberId,
  parentKey: 'memberId',
  ordering: COMMITMENT_ORDER,
  map: asCommitment,
};

type Level = 'Commitment' | 'PartyMember' | 'PartyOrganisation';

/** Ratings counted per commitment, per member, or per organisation with the organisations below it. */
function ratingStatement(level: Level, keys: readonly number[]) {
  const list = sql.raw(`array[${keys.map(Number).join(',')}]::int[]`);
  switch (level) {
    case 'Commitment':
      return sql`select r.commitment_id as key, count(*)::int as ratings, count(*) filter (where r.kept)::int as kept
        from ${commitmentRatings} r where r.commitment_id = any(${list}) group by r.commitment_id`;
    case 'PartyMember':
      return sql`select c.member_id as key, count(*)::int as ratings, count(*) filter (where r.kept)::int as kept
        from ${commitmentRatings} r join ${commitments} c on c.id = r.commitment_id
        where c.member_id = any(${list}) group by c.member_id`;
    case 'PartyOrganisation':
      return sql`with recursive tree(root, id) as (
          select o.id, o.id from ${partyOrganisations} o where o.id = any(${list})
          union all
          select tree.root, o.id from ${partyOrganisations} o join tree on o.parent_id = tree.id
        )
        select tree.root as key, count(*)::int as ratings, count(*) filter (where r.kept)::int as kept
        from tree
        join ${partyMembers} m on m.organisation_id = tree.id
        join ${commitments} c on c.member_id = m.id
        join ${commitmentRatings} r on r.commitment_id = c.id
        group by tree.root`;
  }
}

/** The rating of many commitments, members or organisations: one statement per batch. */
export function ratingOf(ctx: Context, level: Level, key: number): Promise<CommitmentRating> {
  return ctx.loaders.get<number, CommitmentRating>(`${level}.commitmentRating`, async (keys) => {
    const rows = await rowsOf<RatingCounts & { key: number }>(ctx.db, ratingStatement(level, keys));
    const byKey = new Map(rows.map((r) => [Number(r.key), r]));
    return keys.map((k) => commitmentRating(byKey.get(k) ?? { ratings: 0, kept: 0 }));
  }).load(key);
}

/** The building of a resident viewer's household; null for every other viewer. */
export async function viewerBuildingKey(ctx: Context): Promise<number | null> {
  const unit = ctx.viewer.unit;
  if (ctx.viewer.role !== Role.RESIDENT || unit?.type !== 'Household') return null;
  return ctx.loaders.get<number, number | null>('Viewer.building', async (keys) => {
    const rows = await ctx.db.select({ id: households.id, buildingId: households.buildingId }).from(households).where(inArray(households.id, [...keys]));
    return keys.map((k) => rows.find((r) => r.id === k)?.buildingId ?? null);
  }).load(unit.key);
}
