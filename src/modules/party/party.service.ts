import { and, inArray } from 'drizzle-orm';
import { withinCondition, type UnitColumns } from '../../auth/scope';
import type { Context } from '../../context';
import { OrderDirection, paginate } from '../../graphql/connection';
import type { PartyOrganisationsArgs } from './party.inputs';
import { asPartyOrganisation } from './party.loaders';
import { partyOrganisations } from './party.tables';

const PARTY_UNITS: UnitColumns = {
  District: partyOrganisations.districtId,
  Street: partyOrganisations.streetId,
  Community: partyOrganisations.communityId,
  Grid: partyOrganisations.gridId,
};

/** The party organisation tree is public: branches show their identity in the grid (亮身份). */
export function listPartyOrganisations(ctx: Context, args: PartyOrganisationsArgs) {
  return paginate(ctx.db, {
    table: partyOrganisations,
    where: and(
      withinCondition(args.filter?.within, PARTY_UNITS),
      args.filter?.kinds?.length ? inArray(partyOrganisations.kind, args.filter.kinds) : undefined,
    ),
    ordering: { column: partyOrganisations.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asPartyOrganisation,
  });
}
