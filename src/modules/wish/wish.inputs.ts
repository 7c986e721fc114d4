import { IsNotEmpty, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import type { WishAction as WishActionName } from './wish.machine';
import { WishAction, WishCategory, WishStatus } from './wish.types';

const MAX_TITLE = 40;
const MAX_DETAIL = 500;

@InputType({ description: 'A new micro-wish (微心愿). A resident submits for their own household; a grid worker for a household of their grids.' })
export class WishSubmitInput {
  @Field(() => WishCategory, { description: 'What it asks for.' })
  category!: WishCategory;

  @Field(() => String, { description: `The wish in a line, at most ${MAX_TITLE} characters.` })
  @IsNotEmpty({ message: 'A title is required.' })
  @MaxLength(MAX_TITLE, { message: `A title has at most ${MAX_TITLE} characters.` })
  title!: string;

  @Field(() => String, { description: `The wish in the resident's words, at most ${MAX_DETAIL} characters.` })
  @IsNotEmpty({ message: 'The detail is required.' })
  @MaxLength(MAX_DETAIL, { message: `The detail has at most ${MAX_DETAIL} characters.` })
  detail!: string;

  @Field(() => ID, { nullable: true, description: 'The household (a grid worker submitting for a resident without a phone); a resident\'s own household is taken from the token.' })
  householdId?: string;
}

@InputType({ description: 'Filter for micro-wishes.' })
export class WishFilter {
  @Field(() => ID, { nullable: true, description: 'Only wishes under this district, street, community, grid (sub-grids included), building or household.' })
  within?: string;

  @Field(() => [WishStatus], { nullable: true, description: 'Only these statuses.' })
  statuses?: WishStatus[];

  @Field(() => [WishCategory], { nullable: true, description: 'Only these categories.' })
  categories?: WishCategory[];

  @Field(() => Boolean, { nullable: true, description: 'true: only wishes the viewer claimed (as a member or volunteer, or for a unit); false: only the others.' })
  claimedByMe?: boolean;

  @Field(() => ID, { nullable: true, description: 'Only the wishes of this household.' })
  householdId?: string;
}

@ArgsType()
export class WishesArgs extends PageArgs {
  @Field(() => WishFilter, { nullable: true, description: 'Which wishes.' })
  filter?: WishFilter;
}

@InputType({ description: 'Which micro-wish events a subscriber receives; the viewer\'s scope applies as well.' })
export class WishEventFilter {
  @Field(() => ID, { nullable: true, description: 'Only wishes under this district, street, community, grid (sub-grids included) or household.' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only this wish.' })
  wishId?: string;

  @Field(() => [WishAction], { nullable: true, description: 'Only these steps.' })
  actions?: WishActionName[];
}
