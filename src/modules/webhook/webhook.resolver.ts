import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context';
import { ForwardPageArgs } from '../../graphql/connection';
import { byIdLoader, childPage } from '../../graphql/loaders';
import { Node, nodeLoader, registerNodeType } from '../../graphql/node';
import { runMutation } from '../../graphql/payload';
import { ApiKey } from '../integrator/integrator.types';
import { communityById, districtById, gridById, streetById } from '../grid/grid.loaders';
import * as In from './webhook.inputs';
import * as service from './webhook.service';
import { webhookDeliveries, webhookEndpoints } from './webhook.tables';
import * as T from './webhook.types';

const endpointById = (ctx: Context) => byIdLoader(ctx, 'WebhookEndpoint', webhookEndpoints, service.asEndpoint, service.endpointScope(ctx.viewer));
const deliveryById = (ctx: Context) => byIdLoader(ctx, 'WebhookDelivery', webhookDeliveries, service.asDelivery, service.deliveryScope(ctx.viewer));

registerNodeType('WebhookEndpoint', (ctx, key) => endpointById(ctx).load(key));
registerNodeType('WebhookDelivery', (ctx, key) => deliveryById(ctx).load(key));

const policyOf = (ctx: Context) => ({ allowedHosts: ctx.config.webhookAllowedHosts });

@Resolver(() => T.WebhookEndpoint)
export class WebhookEndpointResolver {
  @FieldResolver(() => Node, { nullable: true, description: 'The District, Street, Community or Grid whose events are delivered; null for the whole subtree of the key.' })
  unit(@Root() endpoint: service.EndpointNode, @Ctx() ctx: Context) {
    const unit = endpoint.unit;
    if (unit === null) return null;
    const loaders = { District: districtById, Street: streetById, Community: communityById, Grid: gridById } as const;
    return unit.type in loaders ? loaders[unit.type as keyof typeof loaders](ctx).load(unit.key) : null;
  }

  @FieldResolver(() => ApiKey, { description: 'The API key the endpoint delivers for: its events are scoped and masked as that key\'s subscriptions are. For those who manage keys.' })
  apiKey(@Root() endpoint: service.EndpointNode, @Ctx() ctx: Context) {
    return nodeLoader('ApiKey')!(ctx, endpoint.apiKeyId);
  }

  @Query(() => T.WebhookEndpointConnection, { description: 'Webhook endpoints: an integrator\'s own, or those of the keys the viewer manages; newest first, never their secrets.' })
  webhookEndpoints(@Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return service.listEndpoints(ctx.db, ctx.viewer, args);
  }

  @Mutation(() => T.WebhookEndpointSecretPayload, { description: 'Register a webhook endpoint; the payload shows its signing secret this once. Delivery starts with the next event (or after `input.after`).' })
  async webhookEndpointCreate(@Arg('input', () => In.WebhookEndpointCreateInput, { description: 'URL, topics and unit of the endpoint.' }) input: In.WebhookEndpointCreateInput, @Ctx() ctx: Context) {
    const { webhookEndpoint, userErrors } = await runMutation(ctx, 'webhookEndpoint', input, (tx) => service.createEndpoint(tx, ctx.viewer, input, policyOf(ctx)));
    const created = webhookEndpoint as Awaited<ReturnType<typeof service.createEndpoint>> | null;
    return { webhookEndpoint: created, secret: created?.secret ?? null, userErrors };
  }

  @Mutation(() => T.WebhookEndpointPayload, { description: 'Change an endpoint\'s URL, description, topics or unit.' })
  webhookEndpointUpdate(
    @Arg('id', () => ID, { description: 'The endpoint.' }) id: string,
    @Arg('input', () => In.WebhookEndpointUpdateInput, { description: 'What changes.' }) input: In.WebhookEndpointUpdateInput,
    @Ctx() ctx: Context,
  ) {
    return runMutation(ctx, 'webhookEndpoint', input, (tx) => service.updateEndpoint(tx, ctx.viewer, id, input, policyOf(ctx)));
  }

  @Mutation(() => T.WebhookEndpointPayload, { description: 'Pause an endpoint: nothing is fanned out to it nor sent until it is enabled again.' })
  webhookEndpointDisable(@Arg('id', () => ID, { description: 'The endpoint.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'webhookEndpoint', undefined, (tx) => service.setEndpointEnabled(tx, ctx.viewer, id, false));
  }

  @Mutation(() => T.WebhookEndpointPayload, { description: 'Resume a paused endpoint where it stopped (events older than the event retention excepted).' })
  webhookEndpointEnable(@Arg('id', () => ID, { description: 'The endpoint.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'webhookEndpoint', undefined, (tx) => service.setEndpointEnabled(tx, ctx.viewer, id, true));
  }

  @Mutation(() => T.WebhookEndpointSecretPayload, { description: 'Replace an endpoint\'s signing secret; the payload shows the new one this once. Requests from now on are signed with it, retries included.' })
  async webhookEndpointRotateSecret(@Arg('id', () => ID, { description: 'The endpoint.' }) id: string, @Ctx() ctx: Context) {
    const { webhookEndpoint, userErrors } = await runMutation(ctx, 'webhookEndpoint', undefined, (tx) => service.rotateEndpointSecret(tx, ctx.viewer, id));
    const rotated = webhookEndpoint as Awaited<ReturnType<typeof service.rotateEndpointSecret>> | null;
    return { webhookEndpoint: rotated, secret: rotated?.secret ?? null, userErrors };
  }

  @Mutation(() => T.WebhookEndpointPayload, { description: 'Delete an endpoint with its deliveries; the payload shows it as it was.' })
  webhookEndpointDelete(@Arg('id', () => ID, { description: 'The endpoint.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'webhookEndpoint', undefined, (tx) => service.deleteEndpoint(tx, ctx.viewer, id));
  }
}

@Resolver(() => T.WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => T.WebhookEndpoint, { description: 'The endpoint it is for.' })
  endpoint(@Root() delivery: service.DeliveryNode, @Ctx() ctx: Context) {
    return endpointById(ctx).load(delivery.endpointId);
  }

  @FieldResolver(() => T.WebhookAttemptConnection, { description: 'Every attempt, oldest first.' })
  attempts(@Root() delivery: service.DeliveryNode, @Args(() => ForwardPageArgs) args: ForwardPageArgs, @Ctx() ctx: Context) {
    return childPage(ctx, service.attemptsOfDelivery, args, delivery.key);
  }

  @Query(() => T.WebhookDeliveryConnection, { description: 'Webhook deliveries of the endpoints the viewer sees, newest first.' })
  webhookDeliveries(
    @Args(() => ForwardPageArgs) args: ForwardPageArgs,
    @Arg('filter', () => In.WebhookDeliveryFilter, { nullable: true, description: 'Which deliveries.' }) filter: In.WebhookDeliveryFilter | undefined,
    @Ctx() ctx: Context,
  ) {
    return service.listDeliveries(ctx.db, ctx.viewer, args, filter);
  }

  @Mutation(() => T.WebhookDeliveryPayload, { description: 'Send a delivery again now, whatever its state, with the same body and delivery id; a failure starts a new round of retries.' })
  webhookDeliveryReplay(@Arg('id', () => ID, { description: 'The delivery.' }) id: string, @Ctx() ctx: Context) {
    return runMutation(ctx, 'webhookDelivery', undefined, (tx) => service.replayDelivery(tx, ctx.viewer, id));
  }
}

export const webhookResolvers = [WebhookEndpointResolver, WebhookDeliveryResolver] as const;
