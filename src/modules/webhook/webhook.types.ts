import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Actor } from '../../auth/actor';
import { ApiKeyTopic } from '../../auth/topics';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { FreeText } from '../../graphql/free-text';

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
  GAVE_UP = 'GAVE_UP',
}

registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a webhook delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Not attempted yet, or a replay is queued.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'The last attempt failed; another is scheduled at `nextAttemptAt`.' },
    GAVE_UP: { description: 'Every attempt of the retry ladder failed (7 days); replay it to try again.' },
  },
});

@ObjectType({ implements: Node, description: 'An integrator\'s webhook endpoint (推送地址): a URL that receives the events of some topics within a unit subtree, signed with the endpoint\'s secret.', simpleResolvers: true })
export class WebhookEndpoint extends Node {
  @Field(() => String, { description: 'Where events are POSTed.' })
  url!: string;

  @FreeText()
  @Field(() => String, { description: 'What the endpoint is for.' })
  description!: string;

  @Field(() => [ApiKeyTopic], { description: 'The topics delivered: a subset of the API key\'s.' })
  topics!: ApiKeyTopic[];

  @Field(() => Boolean, { description: 'False while disabled: nothing is fanned out nor sent; enabling resumes where it stopped.' })
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last event considered for this endpoint; null before the first.' })
  lastEventCursor!: string | null;

  @Field(() => DateTime, { description: 'When the endpoint was registered.' })
  createdAt!: Date;

  @Field(() => DateTime, { description: 'When the endpoint was last changed.' })
  updatedAt!: Date;

  @Field(() => Actor, { description: 'Who registered the endpoint.' })
  createdBy!: Actor;
}

@ObjectType({ implements: Node, description: 'One POST of a webhook delivery and what came of it.', simpleResolvers: true })
export class WebhookAttempt extends Node {
  @Field(() => DateTime, { description: 'When the request started.' })
  startedAt!: Date;

  @Field(() => Int, { description: 'How long until the answer or the failure, in milliseconds.' })
  durationMs!: number;

  @Field(() => Int, { nullable: true, description: 'The receiver\'s HTTP status; null when none came (timeout, refused connection).' })
  httpStatus!: number | null;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'Why the attempt failed; null when it succeeded.' })
  error!: string | null;

  @Field(() => Boolean, { description: 'Whether a replay (webhookDeliveryReplay) asked for this attempt.' })
  replay!: boolean;
}

@ObjectType({ implements: Node, description: 'One event for one webhook endpoint. Every attempt, retry and replay sends the same body under the same `deliveryId`.', simpleResolvers: true })
export class WebhookDelivery extends Node {
  @Field(() => String, { description: 'The X-Gridgov-Delivery header (a UUID): receivers deduplicate on it.' })
  deliveryId!: string;

  @Field(() => String, { description: 'Cursor of the event: the same as the subscription\'s `cursor`.' })
  eventCursor!: string;

  @Field(() => ApiKeyTopic, { description: 'The topic of the event (X-Gridgov-Event).' })
  topic!: ApiKeyTopic;

  @Field(() => WebhookDeliveryStatus, { description: 'Where the delivery stands.' })
  status!: WebhookDeliveryStatus;

  @Field(() => Int, { description: 'Attempts made, replays included.' })
  attemptCount!: number;

  @Field(() => DateTime, { nullable: true, description: 'When the next attempt is due; null when delivered or given up.' })
  nextAttemptAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the receiver accepted it.' })
  deliveredAt!: Date | null;

  @Field(() => DateTime, { description: 'When the event was fanned out to this endpoint.' })
  createdAt!: Date;

  @Field(() => String, { description: 'The JSON body sent, byte for byte.' })
  body!: string;
}

@ObjectType({ description: 'Result of registering an endpoint or rotating its secret: the endpoint, and its secret, shown this once.', simpleResolvers: true })
export class WebhookEndpointSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint; null when there are user errors.' })
  webhookEndpoint!: WebhookEndpoint | null;

  @Field(() => String, { nullable: true, description: 'The signing secret (`whsec_…`): the key of the HMAC-SHA256 in X-Gridgov-Signature. Shown only here.' })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Why the input was refused; empty on success. Nothing is written when there are any.' })
  userErrors!: UserError[];
}

export const WebhookEndpointConnection = Connection(WebhookEndpoint, 'WebhookEndpoint', 'A page of webhook endpoints.');
export const WebhookDeliveryConnection = Connection(WebhookDelivery, 'WebhookDelivery', 'A page of webhook deliveries.');
export const WebhookAttemptConnection = Connection(WebhookAttempt, 'WebhookAttempt', 'A page of delivery attempts.');
export const WebhookEndpointPayload = Payload(WebhookEndpoint, 'webhookEndpoint', 'WebhookEndpoint');
export const WebhookDeliveryPayload = Payload(WebhookDelivery, 'webhookDelivery', 'WebhookDelivery');
