import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime } from '../../graphql/scalars';
import { majorMatterAction, majorMatterKind, majorMatterStatus } from './property.tables';
import { FreeText } from '../../graphql/free-text';

export const MajorMatterKind = mirror(majorMatterKind.enumValues);
export type MajorMatterKind = keyof typeof MajorMatterKind;
registerEnumType(MajorMatterKind, {
  name: 'MajorMatterKind',
  description: 'Major matters (重大事项) that need review, party approval and an owners\' vote.',
  valuesConfig: {
    COMMITTEE_REELECTION: { description: 'Re-election of the owners\' committee (业委会换届).' },
    COMPANY_HIRE: { description: 'A property company entering (物业进场).' },
    COMPANY_DISMISS: { description: 'The property company leaving (物业退出); executing it ends the contract in force.' },
    MAINTENANCE_FUND_USE: { description: 'Using the special maintenance fund (使用专项维修资金).' },
  },
});

export const MajorMatterStatus = mirror(majorMatterStatus.enumValues);
export type MajorMatterStatus = keyof typeof MajorMatterStatus;
registerEnumType(MajorMatterStatus, {
  name: 'MajorMatterStatus',
  description: 'Where a major matter stands in its approval chain.',
  valuesConfig: {
    PROPOSED: { description: 'Proposed; waits for the service station\'s review (服务站审核).' },
    REVIEWED: { description: 'Reviewed; waits for the community party organisation\'s approval (社区党组织审批).' },
    APPROVED: { description: 'Approved; waits for the owners\' vote to open.' },
    VOTING: { description: 'The owners are voting.' },
    EXECUTED: { description: 'The owners passed it and it was carried out.' },
    REJECTED: { description: 'Rejected at a step, with a reason; final.' },
  },
});

export const MajorMatterAction = mirror(majorMatterAction.enumValues);
export type MajorMatterAction = keyof typeof MajorMatterAction;
registerEnumType(MajorMatterAction, {
  name: 'MajorMatterAction',
  description: 'A step of the approval chain, as recorded on the timeline.',
  valuesConfig: {
    PROPOSE: { description: 'Proposed (majorMatterPropose).' },
    REVIEW: { description: 'Reviewed by the service station (majorMatterReview).' },
    APPROVE: { description: 'Approved by the community party organisation (majorMatterApprove).' },
    OPEN_VOTE: { description: 'The owners\' vote opened (majorMatterOpenVote).' },
    EXECUTE: { description: 'Carried out after the owners passed it (majorMatterExecute).' },
    REJECT: { description: 'Rejected with a reason (majorMatterReject).' },
  },
});

@ObjectType({ implements: Node, description: 'A major matter (重大事项) of a compound and its approval chain.', simpleResolvers: true })
export class MajorMatter extends Node {
  @Field(() => MajorMatterKind, { description: 'What is to be decided.' })
  kind!: MajorMatterKind;

  @FreeText()
  @Field(() => String, { description: 'One-line summary.' })
  title!: string;

  @FreeText()
  @Field(() => String, { description: 'The proposal in full.' })
  description!: string;

  @Field(() => MajorMatterStatus, { description: 'Where it stands.' })
  status!: MajorMatterStatus;

  @Field(() => Int, { description: 'Grows by one with every step; pass it as `expectedVersion`.' })
  version!: number;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'Why it was rejected.' })
  rejectionReason!: string | null;

  @Field(() => DateTime, { description: 'When it was proposed.' })
  createdAt!: Date;

  compoundId!: number;
  voteId!: number | null;
}

@ObjectType({ implements: Node, description: 'One step on a major matter\'s timeline; append-only.', simpleResolvers: true })
export class MajorMatterTransition extends Node {
  @Field(() => MajorMatterAction, { description: 'What was done.' })
  action!: MajorMatterAction;

  @Field(() => MajorMatterStatus, { nullable: true, description: 'The state before; null for the proposal.' })
  fromStatus!: MajorMatterStatus | null;

  @Field(() => MajorMatterStatus, { description: 'The state after.' })
  toStatus!: MajorMatterStatus;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the actor wrote: a review, an approval, a reason.' })
  note!: string | null;

  @Field(() => DateTime, { description: 'When.' })
  at!: Date;

  actorSubject!: string;
  actorRole!: string;
}

export const MajorMatterConnection = Connection(MajorMatter, 'MajorMatter', 'A page of major matters.');
export const MajorMatterTransitionConnection = Connection(MajorMatterTransition, 'MajorMatterTransition', 'A page of a major matter\'s timeline.');
export const MajorMatterPayload = Payload(MajorMatter, 'majorMatter', 'MajorMatter');
