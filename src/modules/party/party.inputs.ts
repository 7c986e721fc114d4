import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { PartyOrganisationKind } from './party.types';

@InputType({ description: 'Filter for party organisations.' })
export class PartyOrganisationFilter {
  @Field(() => ID, { nullable: true, description: 'Only organisations under this district, street, community or grid (sub-grids included).' })
  within?: string;

  @Field(() => [PartyOrganisationKind], { nullable: true, description: 'Only these levels.' })
  kinds?: PartyOrganisationKind[];
}

@ArgsType()
export class PartyOrganisationsArgs extends PageArgs {
  @Field(() => PartyOrganisationFilter, { nullable: true, description: 'Which organisations.' })
  filter?: PartyOrganisationFilter;
}
