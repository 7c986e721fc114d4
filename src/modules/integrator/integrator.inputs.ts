import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsNotEmpty, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { ApiKeyTopic } from '../../auth/topics';
import { DateTime } from '../../graphql/scalars';

@InputType({ description: 'A new API key for an integrator (接入方).' })
export class ApiKeyCreateInput {
  @Field(() => String, { description: 'What the key is for, e.g. "街道大屏" or the integrating system\'s name.' })
  @IsNotEmpty({ message: 'A name is required.' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  name!: string;

  @Field(() => ID, { nullable: true, description: 'The District, Street, Community or Grid whose subtree the key may read; null for the whole city (city-wide administrators only).' })
  unitId?: string | null;

  @Field(() => [ApiKeyTopic], { description: 'What the key may read and subscribe to; at least one topic.' })
  @ArrayNotEmpty({ message: 'Give the key at least one topic.' })
  @ArrayUnique({ message: 'Name each topic once.' })
  @ArrayMaxSize(10)
  topics!: ApiKeyTopic[];

  @Field(() => DateTime, { nullable: true, description: 'When the key stops working; null for a key that works until revoked.' })
  expiresAt?: Date | null;
}
