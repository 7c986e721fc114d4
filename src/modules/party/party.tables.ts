import { integer, pgEnum, pgTable, text, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { communityRef, districtRef, id, streetRef, timestamps } from '../../db/columns';
import { buildings, grids } from '../grid/grid.tables';

export const partyOrganisationKind = pgEnum('party_organisation_kind', [
  'COMMUNITY_COMMITTEE', 'GENERAL_BRANCH', 'GRID_BRANCH', 'BUILDING_GROUP',
]);

/**
 * 党组织: community party committee or general branch → grid branch → building group.
 * The property triad points at the grid branch that supervises a compound.
 */
export const partyOrganisations = pgTable('party_organisations', {
  id: id(),
  districtId: districtRef(),
  streetId: streetRef(),
  communityId: communityRef(),
  gridId: integer('grid_id').references(() => grids.id),
  buildingId: integer('building_id').references(() => buildings.id),
  parentId: integer('parent_id').references((): AnyPgColumn => partyOrganisations.id),
  kind: partyOrganisationKind('kind').notNull(),
  name: text('name').notNull(),
  ...timestamps(),
});
