import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { Decimal } from '../../graphql/scalars';

export enum AppraisalSource {
  COMMITTEE = 'COMMITTEE',
  PARTY_BRANCH = 'PARTY_BRANCH',
}
registerEnumType(AppraisalSource, {
  name: 'AppraisalSource',
  description: 'Who gives a service appraisal score besides the residents.',
  valuesConfig: {
    COMMITTEE: { description: 'The owners\' committee (业委会) of the compound.' },
    PARTY_BRANCH: { description: 'The supervising party organisation, through the community party secretary (党组织监督).' },
  },
});

@ObjectType({ implements: Node, description: 'The quarterly appraisal of a compound\'s property service (服务质量考核评价): committee, residents and party branch, combined with stated weights.', simpleResolvers: true })
export class ServiceAppraisal extends Node {
  @Field(() => String, { description: 'The quarter, e.g. "2026-Q3".' })
  quarter!: string;

  @Field(() => Decimal, { nullable: true, description: 'Score of the owners\' committee, 0 to 100.' })
  committeeScore!: string | null;

  @Field(() => Decimal, { nullable: true, description: 'Score of the party branch, 0 to 100.' })
  branchScore!: string | null;

  @Field(() => Decimal, { nullable: true, description: 'Mean of the residents\' scores (one per household), 0 to 100, two decimals.' })
  residentScore!: string | null;

  @Field(() => Int, { description: 'Households that scored.' })
  residentCount!: number;

  @Field(() => Int, { description: 'Weight of the committee\'s score, percent.' })
  committeeWeight!: number;

  @Field(() => Int, { description: 'Weight of the residents\' score, percent.' })
  residentWeight!: number;

  @Field(() => Int, { description: 'Weight of the branch\'s score, percent.' })
  branchWeight!: number;

  @Field(() => Decimal, { nullable: true, description: 'The weighted score, two decimals; null until all three parts are in.' })
  overallScore!: string | null;

  compoundId!: number;
  contractId!: number;
}

export const ServiceAppraisalPayload = Payload(ServiceAppraisal, 'serviceAppraisal', 'ServiceAppraisal');
