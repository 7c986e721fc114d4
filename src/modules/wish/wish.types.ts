import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateTime, Decimal } from '../../graphql/scalars';
import { wishAction, wishCategory, wishClaimantKind, wishStatus } from './wish.tables';
import { FreeText } from '../../graphql/free-text';

export const WishCategory = mirror(wishCategory.enumValues);
export type WishCategory = keyof typeof WishCategory;
registerEnumType(WishCategory, {
  name: 'WishCategory',
  description: 'What a micro-wish (微心愿) asks for.',
  valuesConfig: {
    DAILY_NEEDS: { description: 'Daily needs (生活所需): groceries, a warm coat, a delivery.' },
    HEALTH: { description: 'Health (健康): a hospital visit, medicine, a check-up.' },
    STUDY: { description: 'Study (学习): tutoring, books, school things for a child.' },
    COMPANIONSHIP: { description: 'Companionship (陪伴): a visit, a chat, an outing for someone alone.' },
    REPAIR: { description: 'Repairs (维修): a tap, a light, a lock at home.' },
    OTHER: { description: 'Anything else.' },
  },
});

export const WishStatus = mirror(wishStatus.enumValues);
export type WishStatus = keyof typeof WishStatus;
registerEnumType(WishStatus, {
  name: 'WishStatus',
  description: 'Where a micro-wish stands: residents order, the community places the order, members and units take it (居民点单、社区下单、党员接单).',
  valuesConfig: {
    SUBMITTED: { description: 'Submitted by the resident (居民点单), waiting for the community.' },
    PUBLISHED: { description: 'Published by the community (社区下单): an open order anyone may claim.' },
    DECLINED: { description: 'Declined by the community, with a reason; final.' },
    CLAIMED: { description: 'Claimed (接单) by a party member, a volunteer or a reporting unit.' },
    FULFILLED: { description: 'The claimant says it is done, with the hours spent; waiting for the resident.' },
    CONFIRMED: { description: 'The resident confirmed it; the hours are credited; final.' },
    DISPUTED: { description: 'The resident disputes the fulfilment; the claimant fulfils it again.' },
  },
});

export const WishAction = mirror(wishAction.enumValues);
export type WishAction = keyof typeof WishAction;
registerEnumType(WishAction, {
  name: 'WishAction',
  description: 'A step of a micro-wish, as recorded on its timeline.',
  valuesConfig: {
    SUBMIT: { description: 'Submitted (wishSubmit).' },
    PUBLISH: { description: 'Published as an open order (wishPublish).' },
    DECLINE: { description: 'Declined with a reason (wishDecline).' },
    CLAIM: { description: 'Claimed (wishClaim).' },
    FULFIL: { description: 'Fulfilled, with the hours spent (wishFulfil).' },
    CONFIRM: { description: 'Confirmed by the resident (wishConfirm).' },
    DISPUTE: { description: 'Disputed by the resident, with a reason (wishDispute).' },
  },
});

export const WishClaimantKind = mirror(wishClaimantKind.enumValues);
export type WishClaimantKind = keyof typeof WishClaimantKind;
registerEnumType(WishClaimantKind, {
  name: 'WishClaimantKind',
  description: 'Who took a micro-wish.',
  valuesConfig: {
    PARTY_MEMBER: { description: 'A party member (党员), as themself; the hours go to the love bank and count as their service.' },
    VOLUNTEER: { description: 'A registered volunteer (志愿者), as themself; the hours go to the love bank.' },
    UNIT: { description: 'A reporting unit (报到单位) of the community, claimed for it by community staff; counts as a participation (双报到).' },
  },
});

@ObjectType({ description: 'A wish\'s texts as the resident typed them, ID card and mobile numbers whole. Every read is written to the access log with its reason.', simpleResolvers: true })
export class WishPersonalData {
  @Field(() => String, { description: 'Whole title.' })
  title!: string;

  @Field(() => String, { description: 'Whole detail.' })
  detail!: string;
}

@ObjectType({
  implements: Node,
  description: 'A micro-wish (微心愿): a small wish of a household, published by the community, taken and fulfilled by a party member, a volunteer or a unit, confirmed by the resident.',
  simpleResolvers: true,
})
export class Wish extends Node {
  @Field(() => WishCategory, { description: 'What it asks for.' })
  category!: WishCategory;

  @FreeText()
  @Field(() => String, { description: 'The wish in a line, at most 40 characters, e.g. "想要一台收音机".' })
  title!: string;

  @FreeText()
  @Field(() => String, { description: 'The wish in the resident\'s words, at most 500 characters.' })
  detail!: string;

  @Field(() => WishStatus, { description: 'Where it stands.' })
  status!: WishStatus;

  @Field(() => Int, { description: 'Grows by one with every step; pass it as `expectedVersion` to act on what you saw.' })
  version!: number;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'Why the community declined it.' })
  declineReason!: string | null;

  @Field(() => WishClaimantKind, { nullable: true, description: 'Who took it; null until claimed.' })
  claimantKind!: WishClaimantKind | null;

  @Field(() => Decimal, { nullable: true, description: 'Hours the claimant spent, given when fulfilling; credited to the love bank when the resident confirms.' })
  hoursSpent!: string | null;

  @Field(() => DateTime, { description: 'When it was submitted.' })
  submittedAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the community published it.' })
  publishedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was claimed.' })
  claimedAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was last fulfilled.' })
  fulfilledAt!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'When it was confirmed or declined.' })
  closedAt!: Date | null;

  districtId!: number;
  streetId!: number;
  communityId!: number;
  gridId!: number;
  buildingId!: number;
  householdId!: number;
  submitterSubject!: string;
  submitterRole!: string;
  claimantMemberId!: number | null;
  claimantVolunteerId!: number | null;
  claimantUnitId!: number | null;
}

@ObjectType({ implements: Node, description: 'One step on a micro-wish\'s timeline; the timeline is append-only.', simpleResolvers: true })
export class WishTransition extends Node {
  @Field(() => WishAction, { description: 'What was done.' })
  action!: WishAction;

  @Field(() => WishStatus, { nullable: true, description: 'The state before; null for the submission.' })
  fromStatus!: WishStatus | null;

  @Field(() => WishStatus, { description: 'The state after.' })
  toStatus!: WishStatus;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the actor wrote: the reason of a decline or dispute, a note otherwise.' })
  note!: string | null;

  @Field(() => Decimal, { nullable: true, description: 'Hours spent, on a fulfilment.' })
  hours!: string | null;

  @Field(() => DateTime, { description: 'When.' })
  at!: Date;

  wishId!: number;
  actorSubject!: string;
  actorRole!: string;
}

@ObjectType({ description: 'One step of a micro-wish, pushed to subscribers as it happens.', simpleResolvers: true })
export class WishEvent {
  @Field(() => String, { description: 'Pass as `after` to resume from here without loss.' })
  cursor!: string;

  @Field(() => DateTime, { description: 'When the step was committed.' })
  occurredAt!: Date;

  @Field(() => WishTransition, { description: 'The step itself, as on the timeline.' })
  transition!: WishTransition;

  @Field(() => Wish, { description: 'The wish as it was right after this step: update a cache without refetching.' })
  wish!: Wish;
}

export const WishConnection = Connection(Wish, 'Wish', 'A page of micro-wishes.');
export const WishTransitionConnection = Connection(WishTransition, 'WishTransition', 'A page of a micro-wish\'s timeline.');
export const WishPayload = Payload(Wish, 'wish', 'Wish');
