import { MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../graphql/connection';
import { PLEDGE_MAX_LENGTH, PLEDGE_MIN_LENGTH } from './commitment.rules';

@InputType({ description: 'Filter for commitments.' })
export class CommitmentFilter {
  @Field(() => ID, { nullable: true, description: 'Only commitments hung under this district, street, community, grid (sub-grids included) or building.' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only this party member\'s commitments.' })
  memberId?: string;

  @Field(() => ID, { nullable: true, description: 'Only the commitments hung at this building.' })
  buildingId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only hanging (true) or only withdrawn (false) commitments.' })
  active?: boolean;
}

@ArgsType()
export class CommitmentsArgs extends PageArgs {
  @Field(() => CommitmentFilter, { nullable: true, description: 'Which commitments.' })
  filter?: CommitmentFilter;
}

@InputType({ description: 'A commitment to hang at a building of the member\'s community. A member hangs one at a time.' })
export class CommitmentHangInput {
  @Field(() => ID, { nullable: true, description: 'The member whose pledge it is: required when staff hang it, the viewer when a party member does.' })
  memberId?: string;

  @Field(() => ID, { description: 'The building at whose door it hangs, in the member\'s community.' })
  buildingId!: string;

  @Field(() => String, { description: `The pledge: one sentence of ${PLEDGE_MIN_LENGTH} to ${PLEDGE_MAX_LENGTH} characters.` })
  pledge!: string;
}

@InputType({ description: 'A household\'s judgement of a commitment hung at its building; rating again replaces it.' })
export class CommitmentRateInput {
  @Field(() => ID, { description: 'The commitment.' })
  commitmentId!: string;

  @Field(() => Boolean, { description: 'The pledge is kept (践诺).' })
  kept!: boolean;

  @Field(() => String, { nullable: true, description: 'Why, at most 200 characters.' })
  @MaxLength(200, { message: 'A comment has at most 200 characters.' })
  comment?: string;
}
