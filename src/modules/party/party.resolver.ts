import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { childPage } from '../../graphql/loaders';
import { registerNodeType } from '../../graphql/node';
import { buildingById, communityById, gridById } from '../grid/grid.loaders';
import { Building, Community, Grid } from '../grid/grid.types';
import { commitmentResolvers } from './commitment.resolver';
import { communityListResolvers } from './list.resolver';
import { membersOfOrganisation } from './member.loaders';
import { memberResolvers } from './member.resolver';
import { PartyMemberConnection } from './member.types';
import { participationResolvers } from './participation.resolver';
import { PartyOrganisationsArgs } from './party.inputs';
import { childrenOfPartyOrganisation, partyOrganisationById, type PartyOrganisationNode } from './party.loaders';
import { listPartyOrganisations } from './party.service';
import { PartyOrganisation, PartyOrganisationConnection } from './party.types';
import { reportInResolvers } from './reportin.resolver';

registerNodeType('PartyOrganisation', (ctx, key) => partyOrganisationById(ctx).load(key));

@Resolver()
export class PartyQueryResolver {
  @Query(() => PartyOrganisationConnection, { description: 'Party organisations (党组织): community committees, grid branches and building groups.' })
  partyOrganisations(@Args(() => PartyOrganisationsArgs) args: PartyOrganisationsArgs, @Ctx() ctx: Context) {
    return listPartyOrganisations(ctx, args);
  }
}

@Resolver(() => PartyOrganisation)
export class PartyOrganisationResolver {
  @FieldResolver(() => PartyOrganisation, { nullable: true, description: 'The organisation one level up; null for a community committee.' })
  parent(@Root() organisation: PartyOrganisationNode, @Ctx() ctx: Context) {
    return organisation.parentId === null ? null : partyOrganisationById(ctx).load(organisation.parentId);
  }

  @FieldResolver(() => PartyOrganisationConnection, { description: 'Organisations one level down.' })
  children(@Root() organisation: PartyOrganisationNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, childrenOfPartyOrganisation, args, organisation.key);
  }

  @FieldResolver(() => Community, { description: 'The community it belongs to.' })
  community(@Root() organisation: PartyOrganisationNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(organisation.communityId);
  }

  @FieldResolver(() => Grid, { nullable: true, description: 'The grid of a grid branch.' })
  grid(@Root() organisation: PartyOrganisationNode, @Ctx() ctx: Context) {
    return organisation.gridId === null ? null : gridById(ctx).load(organisation.gridId);
  }

  @FieldResolver(() => Building, { nullable: true, description: 'The building of a building group.' })
  building(@Root() organisation: PartyOrganisationNode, @Ctx() ctx: Context) {
    return organisation.buildingId === null ? null : buildingById(ctx).load(organisation.buildingId);
  }

  @FieldResolver(() => PartyMemberConnection, { description: 'Members organised directly in it, those the viewer may read; `partyMembers(filter: { organisationId })` lists the organisations below as well.' })
  members(@Root() organisation: PartyOrganisationNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, membersOfOrganisation(ctx), args, organisation.key);
  }
}

/** The whole party module: the tree, members, report-ins and their lists and participations, commitments. */
export const partyResolvers = [
  PartyQueryResolver, PartyOrganisationResolver, ...memberResolvers, ...reportInResolvers, ...communityListResolvers,
  ...participationResolvers, ...commitmentResolvers,
] as const;
