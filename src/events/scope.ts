import { eq } from 'drizzle-orm';
import type { UnitType } from '../auth/roles';
import type { UnitLevel } from '../auth/scope';
import type { Queryable } from '../db/client';
import { badUserInput } from '../graphql/errors';
import { fromGlobalId } from '../graphql/ids';
import { grids } from '../modules/grid/grid.tables';
import type { EventScope } from './outbox.tables';

export type ScopeMatcher = (scope: EventScope) => boolean;

/**
 * Whether an event lies under a unit, decided in memory for every event a process hands
 * on; a grid's code is read once here so a subtree test is a prefix test.
 */
export async function unitMatcher(db: Queryable, unit: { type: UnitLevel | UnitType; key: number }): Promise<ScopeMatcher> {
  switch (unit.type) {
    case 'District':
      return (s) => s.districtId === unit.key;
    case 'Street':
      return (s) => s.streetId === unit.key;
    case 'Community':
      return (s) => s.communityId === unit.key;
    case 'Household':
      return (s) => s.householdId === unit.key;
    case 'Department':
      return (s) => s.departmentIds?.includes(unit.key) ?? false;
    case 'Compound':
      return (s) => s.compoundId === unit.key;
    case 'PropertyCompany':
      return (s) => s.companyIds?.includes(unit.key) ?? false;
    case 'PartyMember':
      return (s) => s.partyMemberId === unit.key;
    case 'Volunteer':
      return (s) => s.volunteerId === unit.key;
    case 'Grid': {
      const [grid] = await db.select({ code: grids.code }).from(grids).where(eq(grids.id, unit.key));
      if (!grid) return () => false;
      return (s) => s.gridCode === grid.code || s.gridCode.startsWith(`${grid.code}-`);
    }
    default:
      return () => false;
  }
}

/**
 * The `within: ID` filter of an event subscription, as a matcher on event scopes; null when
 * there is no filter. An ID of another kind is a malformed argument.
 */
export async function withinMatcher(db: Queryable, within: string | null | undefined, levels: readonly UnitType[]): Promise<ScopeMatcher | null> {
  if (!within) return null;
  const unit = fromGlobalId(within, [...levels]);
  if (!unit) throw badUserInput(`filter.within must be the ID of a ${levels.join(', ')}.`, 'filter');
  return unitMatcher(db, { type: unit.type as UnitType, key: unit.key });
}
