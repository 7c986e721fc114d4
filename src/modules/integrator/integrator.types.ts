import { Field, ObjectType } from 'type-graphql';
import { Actor } from '../../auth/actor';
import { ApiKeyTopic } from '../../auth/topics';
import { Connection } from '../../graphql/connection';
import { UserError } from '../../graphql/errors';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { FreeText } from '../../graphql/free-text';

@ObjectType({ implements: Node, description: 'An integrator\'s API key (接入方密钥): another system reading and subscribing within one unit and some topics. The secret itself is shown only once, when the key is created.', simpleResolvers: true })
export class ApiKey extends Node {
  @FreeText()
  @Field(() => String, { description: 'What the key is for.' })
  name!: string;

  @Field(() => String, { description: 'The first characters of the key (`ggk_<prefix>_…`), to tell keys apart; not a secret.' })
  prefix!: string;

  @Field(() => [ApiKeyTopic], { description: 'What the key may read and subscribe to.' })
  topics!: ApiKeyTopic[];

  @Field(() => DateTime, { description: 'When the key was created.' })
  createdAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the key stops working; null when only a revocation ends it.' })
  expiresAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the key was revoked; null while it is in force.' })
  revokedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When the key was last used, to the minute; null when never.' })
  lastUsedAt!: Date | null;

  @Field(() => Actor, { description: 'Who created the key.' })
  createdBy!: Actor;
}

@ObjectType({ description: 'Result of creating an API key: the key, and its secret, shown this once.', simpleResolvers: true })
export class ApiKeyCreatePayload {
  @Field(() => ApiKey, { nullable: true, description: 'The new key; null when there are user errors.' })
  apiKey!: ApiKey | null;

  @Field(() => String, { nullable: true, description: 'The whole key, to send as "Authorization: Bearer <key>" or as the `authorization` connection parameter of a WebSocket. Shown only here: only its hash is stored.' })
  secret!: string | null;

  @Field(() => [UserError], { description: 'Why the input was refused; empty on success. Nothing is written when there are any.' })
  userErrors!: UserError[];
}

export const ApiKeyConnection = Connection(ApiKey, 'ApiKey', 'A page of API keys.');
export const ApiKeyPayload = Payload(ApiKey, 'apiKey', 'ApiKey');
