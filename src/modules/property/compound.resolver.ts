import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { PageArgs } from '../../graphql/connection';
import { registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { communityById, gridById } from '../grid/grid.loaders';
import { Community, Grid } from '../grid/grid.types';
import { partyOrganisationById } from '../party/party.loaders';
import { PartyOrganisation } from '../party/party.types';
import * as In from './compound.inputs';
import * as L from './compound.loaders';
import * as service from './compound.service';
import * as T from './compound.types';

registerNodeType('Compound', (ctx, key) => L.compoundById(ctx).load(key));
registerNodeType('PropertyCompany', (ctx, key) => L.companyById(ctx).load(key));
registerNodeType('PropertyContract', (ctx, key) => L.contractById(ctx).load(key));
registerNodeType('OwnersCommittee', (ctx, key) => L.committeeById(ctx).load(key));

@Resolver()
export class CompoundQueryResolver {
  @Query(() => T.CompoundConnection, { description: 'Residential compounds (小区); their names, committees, companies and contracts are public (公示).' })
  compounds(@Args(() => In.CompoundsArgs) args: In.CompoundsArgs, @Ctx() ctx: Context) {
    return service.listCompounds(ctx, args);
  }

  @Query(() => T.PropertyCompanyConnection, { description: 'Registered property service companies (物业服务企业).' })
  propertyCompanies(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return service.listCompanies(ctx.db, args);
  }
}

@Resolver(() => T.Compound)
export class CompoundResolver {
  @FieldResolver(() => Grid, { description: 'The grid the compound lies in.' })
  grid(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return gridById(ctx).load(compound.gridId);
  }

  @FieldResolver(() => Community, { description: 'The community the compound lies in.' })
  community(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return communityById(ctx).load(compound.communityId);
  }

  @FieldResolver(() => T.OwnersCommittee, { nullable: true, description: 'The owners\' committee (业委会) whose term covers today; null when there is none (a re-election is due).' })
  ownersCommittee(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return L.currentCommitteeOf(ctx, compound.key);
  }

  @FieldResolver(() => [T.OwnersCommittee], { description: 'Every committee term, newest first.' })
  committees(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return L.committeesOf(ctx, compound.key);
  }

  @FieldResolver(() => T.PropertyContract, { nullable: true, description: 'The property service contract in force today.' })
  contract(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return L.currentContractOf(ctx, compound.key);
  }

  @FieldResolver(() => PartyOrganisation, { nullable: true, description: 'The grid party branch (网格党支部) that supervises the compound\'s governance.' })
  partyBranch(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return compound.partyOrganisationId === null ? null : partyOrganisationById(ctx).load(compound.partyOrganisationId);
  }

  @FieldResolver(() => T.CompoundTriadCounts, { description: 'Its households and their total floor area: the base of owners\' votes.' })
  totals(@Root() compound: L.CompoundNode, @Ctx() ctx: Context) {
    return L.totalsOf(ctx, compound.key);
  }
}

@Resolver(() => T.OwnersCommittee)
export class OwnersCommitteeResolver {
  @FieldResolver(() => [T.CommitteeMember], { description: 'Members, chair first.' })
  members(@Root() committee: L.CommitteeNode, @Ctx() ctx: Context) {
    return L.membersOf(ctx, committee.key);
  }

  @FieldResolver(() => T.Compound, { description: 'The compound it serves.' })
  compound(@Root() committee: L.CommitteeNode, @Ctx() ctx: Context) {
    return L.compoundById(ctx).load(committee.compoundId);
  }
}

@Resolver(() => T.PropertyContract)
export class PropertyContractResolver {
  @FieldResolver(() => T.PropertyCompany, { description: 'The company under contract.' })
  company(@Root() contract: L.ContractNode, @Ctx() ctx: Context) {
    return L.companyById(ctx).load(contract.companyId);
  }

  @FieldResolver(() => T.Compound, { description: 'The compound served.' })
  compound(@Root() contract: L.ContractNode, @Ctx() ctx: Context) {
    return L.compoundById(ctx).load(contract.compoundId);
  }
}

@Resolver()
export class CompoundMutationResolver {
  @Mutation(() => T.CompoundPayload, { description: 'Record a residential compound over buildings of a grid.' })
  compoundCreate(@Arg('input', () => In.CompoundCreateInput, { description: 'Where and which buildings.' }) input: In.CompoundCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'compound', input, (tx) => service.createCompound(tx, ctx.viewer, input));
  }

  @Mutation(() => T.PropertyCompanyPayload, { description: 'Register a property service company.' })
  propertyCompanyCreate(@Arg('input', () => In.PropertyCompanyCreateInput, { description: 'Name and credit code.' }) input: In.PropertyCompanyCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'propertyCompany', input, (tx) => service.createCompany(tx, input));
  }

  @Mutation(() => T.PropertyContractPayload, { description: 'Record the property service contract a compound signed, with its remuneration rule.' })
  propertyContractCreate(@Arg('input', () => In.PropertyContractCreateInput, { description: 'Parties, term and rule.' }) input: In.PropertyContractCreateInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'propertyContract', input, (tx) => service.createContract(tx, ctx.viewer, input));
  }

  @Mutation(() => T.OwnersCommitteePayload, { description: 'Record a committee term elected before the compound used this system (new ones come from elections).' })
  ownersCommitteeRecord(@Arg('input', () => In.OwnersCommitteeRecordInput, { description: 'Term and members.' }) input: In.OwnersCommitteeRecordInput, @Ctx() ctx: Context) {
    return runMutation(ctx, 'ownersCommittee', input, (tx) => service.recordCommittee(tx, ctx.viewer, input));
  }
}

export const compoundResolvers = [
  CompoundQueryResolver, CompoundResolver, OwnersCommitteeResolver, PropertyContractResolver, CompoundMutationResolver,
] as const;
