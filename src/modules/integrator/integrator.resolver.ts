import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { byIdLoader } from '../../graphql/loaders';
import { Node, registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { communityById, districtById, gridById, streetById } from '../grid/grid.loaders';
import * as In from './integrator.inputs';
import * as service from './integrator.service';
import { apiKeys } from './integrator.tables';
import * as T from './integrator.types';

const apiKeyById = (ctx: Context) => byIdLoader(ctx, 'ApiKey', apiKeys, service.asApiKey, service.apiKeyScope(ctx.viewer));

registerNodeType('ApiKey', (ctx, key) => apiKeyById(ctx).load(key));

@Resolver(() => T.ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => Node, { nullable: true, description: 'The District, Street, Community or Grid whose subtree the key may read; null for the whole city.' })
  unit(@Root() apiKey: service.ApiKeyNode, @Ctx() ctx: Context) {
    const unit = apiKey.unit;
    if (unit === null) return null;
    const loaders = { District: districtById, Street: streetById, Community: communityById, Grid: gridById } as const;
    return unit.type in loaders ? loaders[unit.type as keyof typeof loaders](ctx).load(unit.key) : null;
  }

  @Query(() => T.ApiKeyConnection, { description: 'API keys of integrators created within the viewer\'s part of the city, newest first; never their secrets.' })
  apiKeys(@Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return service.listApiKeys(ctx.db, ctx.viewer, args);
  }

  @Mutation(() => T.ApiKeyCreatePayload, { description: 'Create an API key for an integrator (接入方); the payload shows its secret this once.' })
  async apiKeyCreate(@Arg('input', () => In.ApiKeyCreateInput, { description: 'Name, unit, topics and expiry of the key.' }) input: In.ApiKeyCreateInput, @Ctx() ctx: Context) {
    const { apiKey, userErrors } = await runMutation(ctx, 'apiKey', input, (tx) => service.createApiKey(tx, ctx.viewer, input));
    const created = apiKey as Awaited<ReturnType<typeof service.createApiKey>> | null;
    return { apiKey: created, secret: created?.secret ?? null, userErrors };
  }

  @Mutation(() => T.ApiKeyPayload, { description: 'Revoke an API key: its next request is refused, and its open WebSockets are closed with 4403.' })
  apiKeyRevoke(@Arg('id', () => ID, { description: 'The key to revoke.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'apiKey', undefined, (tx) => service.revokeApiKey(tx, ctx.viewer, id));
  }
}

export const integratorResolvers = [ApiKeyResolver] as const;
