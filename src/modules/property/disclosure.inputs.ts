import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { LedgerFigures } from './ledger.inputs';

@InputType({ description: 'The corrected ledger of a published month, and why: published as a new disclosure version (更正).' })
export class DisclosureCorrectInput extends LedgerFigures {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => String, { description: 'The published month, `YYYY-MM`.' })
  month!: string;

  @Field(() => String, { description: 'Why the published figures are corrected, at most 500 characters; published with the new version.' })
  @MaxLength(500, { message: 'A correction reason has at most 500 characters.' })
  reason!: string;
}

@InputType({ description: 'Which disclosure versions.' })
export class DisclosureFilter {
  @Field(() => String, { nullable: true, description: 'Only the versions of this month, `YYYY-MM`.' })
  month?: string;

  @Field(() => Boolean, { nullable: true, description: 'true: only the newest version of each month (what is in force).' })
  latestOnly?: boolean;
}

@ArgsType()
export class DisclosuresArgs extends PageArgs {
  @Field(() => ID, { description: 'The compound.' })
  compoundId!: string;

  @Field(() => DisclosureFilter, { nullable: true, description: 'Which versions.' })
  filter?: DisclosureFilter;
}

@ArgsType()
export class CompoundDisclosuresArgs extends ForwardPageArgs {
  @Field(() => DisclosureFilter, { nullable: true, description: 'Which versions.' })
  filter?: DisclosureFilter;
}

@InputType({ description: 'Which publications to receive; give one of the fields. The viewer\'s scope applies as well.' })
export class DisclosureEventFilter {
  @Field(() => ID, { nullable: true, description: 'Only this compound\'s.' })
  compoundId?: string;

  @Field(() => ID, { nullable: true, description: 'Only the compounds of this community.' })
  communityId?: string;

  @Field(() => ID, { nullable: true, description: 'Only the compounds of this street.' })
  streetId?: string;
}
