import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsNotEmpty, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ApiKeyTopic } from '../../auth/topics';
import { WebhookDeliveryStatus } from './webhook.types';

@InputType({ description: 'A new webhook endpoint of an integrator.' })
export class WebhookEndpointCreateInput {
  @Field(() => ID, { nullable: true, description: 'The API key the endpoint delivers for. An integrator leaves it out (its own key); an administrator names a key they manage.' })
  apiKeyId?: string | null;

  @Field(() => String, { description: 'Where events are POSTed: http or https, without credentials.' })
  @IsNotEmpty({ message: 'A URL is required.' })
  @MaxLength(2000, { message: 'A URL has at most 2,000 characters.' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'What the endpoint is for.' })
  @MaxLength(200, { message: 'A description has at most 200 characters.' })
  description?: string | null;

  @Field(() => [ApiKeyTopic], { description: 'The topics to deliver; each must be one of the key\'s.' })
  @ArrayNotEmpty({ message: 'Give the endpoint at least one topic.' })
  @ArrayUnique({ message: 'Name each topic once.' })
  @ArrayMaxSize(10)
  topics!: ApiKeyTopic[];

  @Field(() => ID, { nullable: true, description: 'A District, Street, Community or Grid within the key\'s subtree; null for the key\'s whole subtree.' })
  unitId?: string | null;

  @Field(() => String, { nullable: true, description: 'An event cursor: deliver the events after it too (within the event retention). Without it, delivery starts with the next event.' })
  after?: string | null;
}

@InputType({ description: 'Changes to a webhook endpoint; fields left out stay as they are. A new filter applies from the next event fanned out.' })
export class WebhookEndpointUpdateInput {
  @Field(() => String, { nullable: true, description: 'Where events are POSTed.' })
  @IsNotEmpty({ message: 'A URL must not be blank.' })
  @MaxLength(2000, { message: 'A URL has at most 2,000 characters.' })
  url?: string | null;

  @Field(() => String, { nullable: true, description: 'What the endpoint is for.' })
  @MaxLength(200, { message: 'A description has at most 200 characters.' })
  description?: string | null;

  @Field(() => [ApiKeyTopic], { nullable: true, description: 'The topics to deliver.' })
  @ArrayNotEmpty({ message: 'Give the endpoint at least one topic.' })
  @ArrayUnique({ message: 'Name each topic once.' })
  @ArrayMaxSize(10)
  topics?: ApiKeyTopic[] | null;

  @Field(() => ID, { nullable: true, description: 'A District, Street, Community or Grid within the key\'s subtree. Leave out to keep the unit; to deliver the key\'s whole subtree, set `wholeKeyScope`.' })
  unitId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True: drop the unit filter and deliver the key\'s whole subtree.' })
  wholeKeyScope?: boolean | null;
}

@InputType({ description: 'Which webhook deliveries.' })
export class WebhookDeliveryFilter {
  @Field(() => ID, { nullable: true, description: 'Deliveries of this endpoint only.' })
  endpointId?: string | null;

  @Field(() => [WebhookDeliveryStatus], { nullable: true, description: 'Deliveries in one of these states only.' })
  statuses?: WebhookDeliveryStatus[] | null;
}
