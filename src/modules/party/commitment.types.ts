import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { FreeText } from '../../graphql/free-text';

@ObjectType({ implements: Node, description: 'A public commitment (挂牌承诺): a party member\'s one-sentence pledge hung at a building door; the building\'s residents judge whether it is kept. Public.', simpleResolvers: true })
export class Commitment extends Node {
  @FreeText()
  @Field(() => String, { description: 'The pledge, one sentence, e.g. "每周为楼内独居老人代买一次生活用品。".' })
  pledge!: string;

  @Field(() => DateTime, { description: 'When it was hung.' })
  hungAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When it was taken down; null while it hangs.' })
  withdrawnAt!: Date | null;

  @Field(() => Boolean, { description: 'It still hangs.' })
  active!: boolean;

  memberId!: number;
  communityId!: number;
  gridId!: number;
  buildingId!: number;
}

@ObjectType({ description: 'Residents\' judgement of commitments (群众评议): one rating per household and commitment, withdrawn commitments included. Public.', simpleResolvers: true })
export class CommitmentRating {
  @Field(() => Int, { description: 'Households that rated.' })
  ratings!: number;

  @Field(() => Int, { description: 'Of those, judged kept (践诺).' })
  kept!: number;

  @Field(() => Int, { description: 'Of those, judged not kept.' })
  notKept!: number;

  @Field(() => Float, { nullable: true, description: 'kept / ratings, 0 to 1, four decimals; null before anyone rated.' })
  keptShare!: number | null;
}

export const CommitmentConnection = Connection(Commitment, 'Commitment', 'A page of commitments.');
export const CommitmentPayload = Payload(Commitment, 'commitment', 'Commitment');
