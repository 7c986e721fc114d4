import { IsNotEmpty, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { CommunityListKind } from './list.types';

@InputType({ description: 'Filter for community list entries: give the community, or a district, street or community to look within.' })
export class CommunityListItemFilter {
  @Field(() => ID, { nullable: true, description: 'The community whose lists to read.' })
  communityId?: string;

  @Field(() => ID, { nullable: true, description: 'The lists of every community under this district, street or community.' })
  within?: string;

  @Field(() => [CommunityListKind], { nullable: true, description: 'Only these lists.' })
  kinds?: CommunityListKind[];

  @Field(() => Boolean, { nullable: true, description: 'Only open (true) or only closed (false) entries.' })
  open?: boolean;
}

@ArgsType()
export class CommunityListItemsArgs extends PageArgs {
  @Field(() => CommunityListItemFilter, { description: 'Which entries; communityId or within is required.' })
  filter!: CommunityListItemFilter;
}

@InputType({ description: 'A new entry of a community list. A NEED names neither report-in nor items; a RESOURCE names the report-in that offers it; a PROJECT matches an open need to an open resource of the same community.' })
export class CommunityListItemAddInput {
  @Field(() => ID, { description: 'The community whose list it goes on.' })
  communityId!: string;

  @Field(() => CommunityListKind, { description: 'Which list.' })
  kind!: CommunityListKind;

  @Field(() => String, { description: 'One line, at most 100 characters.' })
  @IsNotEmpty({ message: 'A title is required.' })
  @MaxLength(100, { message: 'A title has at most 100 characters.' })
  title!: string;

  @Field(() => String, { nullable: true, description: 'Details, at most 2,000 characters.' })
  @MaxLength(2000, { message: 'Details have at most 2,000 characters.' })
  detail?: string;

  @Field(() => ID, { nullable: true, description: 'For a RESOURCE: the active report-in to this community that offers it.' })
  reportInId?: string;

  @Field(() => ID, { nullable: true, description: 'For a PROJECT: the open need it meets.' })
  needId?: string;

  @Field(() => ID, { nullable: true, description: 'For a PROJECT: the open resource it uses; its report-in undertakes the project.' })
  resourceId?: string;
}
