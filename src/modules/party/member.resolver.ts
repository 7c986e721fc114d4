import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { communityById, gridById, residentById } from '../grid/grid.loaders';
import { Community, Grid, Resident } from '../grid/grid.types';
import * as In from './member.inputs';
import { partyMemberById, personalDataOfMember, type PartyMemberNode } from './member.loaders';
import * as service from './member.service';
import { PartyMember, PartyMemberConnection, PartyMemberPayload, PartyMemberPersonalData } from './member.types';
import { partyOrganisationById } from './party.loaders';
import { PartyOrganisation } from './party.types';
import { reportingUnitById } from './reportin.loaders';
import { ReportingUnit } from './reportin.types';

registerNodeType('PartyMember', (ctx, key) => partyMemberById(ctx).load(key));

@Resolver()
export class PartyMemberQueryResolver {
  @Query(() => PartyMemberConnection, { description: 'Party members (党员) placed in grids: those who show the identity (亮身份) to everyone, the others to staff over them and to themselves.' })
  partyMembers(@Args(() => In.PartyMembersArgs) args: In.PartyMembersArgs, @Ctx() ctx: Context) {
    return service.listPartyMembers(ctx, args);
  }
}

@Resolver(() => PartyMember)
export class PartyMemberResolver {
  @FieldResolver(() => Grid, { description: 'The grid the member is placed in (党员入网格).' })
  grid(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return gridById(ctx).load(member.gridId);
  }

  @FieldResolver(() => Community, { description: 'The community of that grid.' })
  community(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(member.communityId);
  }

  @FieldResolver(() => PartyOrganisation, { nullable: true, description: 'The branch or building group the member belongs to in the community; null for an in-service member organised at work.' })
  organisation(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return member.organisationId === null ? null : partyOrganisationById(ctx).load(member.organisationId);
  }

  @FieldResolver(() => ReportingUnit, { nullable: true, description: 'The reporting unit an in-service member works for; null for a resident member.' })
  workUnit(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return member.workUnitId === null ? null : reportingUnitById(ctx).load(member.workUnitId);
  }

  @FieldResolver(() => Resident, { nullable: true, description: 'The resident record of a member who lives in the city, for the roles that may read it.' })
  resident(@Root() member: PartyMemberNode, @Ctx() ctx: Context) {
    return member.residentId === null ? null : residentById(ctx).load(member.residentId);
  }

  @FieldResolver(() => PartyMemberPersonalData, {
    nullable: true,
    description: 'Whole phone, for staff over the member who need to call them; null outside the viewer\'s area. Each read is logged with the reason (PIPL).',
  })
  personalData(
    @Root() member: PartyMemberNode,
    @Arg('reason', () => String, { description: 'Why you need the whole number, kept in the access log, e.g. "通知党员参加组织生活".' }) reason: string,
    @Ctx() ctx: Context,
  ) {
    return personalDataOfMember(ctx, member.key, reason);
  }
}

@Resolver()
export class PartyMemberMutationResolver {
  @Mutation(() => PartyMemberPayload, { description: 'Register a party member (党员登记) in a community the viewer governs: a resident member, or an in-service member of a reporting unit.' })
  partyMemberRegister(
    @Arg('input', () => In.PartyMemberRegisterInput, { description: 'Who the member is, where they are placed, and their public card.' }) input: In.PartyMemberRegisterInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'partyMember', input, (tx) => service.registerPartyMember(tx, ctx.viewer, input));
  }

  @Mutation(() => PartyMemberPayload, { description: 'Change a party member: staff over the member change the placement and card; the member changes only their duty and whether they show the identity (亮身份).' })
  partyMemberUpdate(
    @Arg('id', () => ID, { description: 'The party member.' }) id: string,
    @Arg('input', () => In.PartyMemberUpdateInput, { description: 'The changes; omitted fields stay as they are.' }) input: In.PartyMemberUpdateInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'partyMember', input, (tx) => service.updatePartyMember(tx, ctx.viewer, id, input));
  }
}

export const memberResolvers = [PartyMemberQueryResolver, PartyMemberResolver, PartyMemberMutationResolver] as const;
