import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { mirror } from '../../graphql/enums';
import { Node } from '../../graphql/node';
import { Payload } from '../../graphql/payload';
import { DateScalar, DateTime, Decimal } from '../../graphql/scalars';
import { activityStatus, bankAccountKind, ledgerAsset, movementKind } from './volunteer.tables';
import { FreeText } from '../../graphql/free-text';

export const ActivityStatus = mirror(activityStatus.enumValues);
export type ActivityStatus = keyof typeof ActivityStatus;
registerEnumType(ActivityStatus, {
  name: 'ActivityStatus',
  description: 'Whether a volunteer activity still takes place.',
  valuesConfig: {
    OPEN: { description: 'Planned or held: volunteers sign up until it starts; the organiser confirms attendance once it has started.' },
    CANCELLED: { description: 'Called off by its organiser: no sign-ups, no attendance.' },
  },
});

export enum SignupStatus {
  SIGNED_UP = 'SIGNED_UP',
  CANCELLED = 'CANCELLED',
  ATTENDED = 'ATTENDED',
}
registerEnumType(SignupStatus, {
  name: 'SignupStatus',
  description: 'Where a sign-up for an activity stands.',
  valuesConfig: {
    SIGNED_UP: { description: 'Holds a place; attendance not confirmed (yet).' },
    CANCELLED: { description: 'Given up by the volunteer or the organiser; the place is free again.' },
    ATTENDED: { description: 'The organiser confirmed the volunteer came; the hours and points are in the love bank.' },
  },
});

export const LedgerAsset = mirror(ledgerAsset.enumValues);
export type LedgerAsset = keyof typeof LedgerAsset;
registerEnumType(LedgerAsset, {
  name: 'LedgerAsset',
  description: 'What the love bank (爱心银行) keeps books of.',
  valuesConfig: {
    HOURS: { description: 'Confirmed service hours (服务时长), to the hundredth.' },
    POINTS: { description: 'Points (积分), whole; earned with hours at the published rate, spent at partner merchants.' },
  },
});

export const MovementKind = mirror(movementKind.enumValues);
export type MovementKind = keyof typeof MovementKind;
registerEnumType(MovementKind, {
  name: 'MovementKind',
  description: 'The business event behind a movement of the love bank.',
  valuesConfig: {
    ATTENDANCE: { description: 'Attendance at an activity, confirmed by its organiser: hours and points to the volunteer.' },
    WISH: { description: 'A micro-wish (微心愿) fulfilled and confirmed by the resident: the claimant\'s hours and points.' },
    REDEMPTION: { description: 'Points spent on an item at a partner merchant (联盟商户): from the volunteer to the merchant.' },
    REVERSAL: { description: 'A correction (冲正): the mirror image of an earlier movement, which stays as it was.' },
  },
});

export const BankAccountKind = mirror(bankAccountKind.enumValues);
export type BankAccountKind = keyof typeof BankAccountKind;
registerEnumType(BankAccountKind, {
  name: 'BankAccountKind',
  description: 'Whose account a ledger entry is on.',
  valuesConfig: {
    VOLUNTEER: { description: 'A volunteer\'s: never below zero.' },
    MERCHANT: { description: 'A partner merchant\'s: the points it took at its counter.' },
    SERVICE_SOURCE: { description: 'The community\'s service account: the other side of every hour credited; negative by design.' },
    POINTS_ISSUED: { description: 'The points the bank has issued: the other side of every point earned; negative by design.' },
  },
});

export enum LeaderboardMeasure {
  HOURS = 'HOURS',
  POINTS = 'POINTS',
}
registerEnumType(LeaderboardMeasure, {
  name: 'LeaderboardMeasure',
  description: 'What a leaderboard ranks by.',
  valuesConfig: {
    HOURS: { description: 'Service hours earned in the period.' },
    POINTS: { description: 'Points earned in the period; spending them does not lower a rank.' },
  },
});

@ObjectType({ implements: Node, description: 'A registered volunteer (志愿者) of a community: a resident, a party member whose service is banked, or someone from outside. Read by themself, by the party member whose record it is, and by the staff above the community.', simpleResolvers: true })
export class Volunteer extends Node {
  @Field(() => String, { description: 'Name, e.g. "李桂兰".' })
  name!: string;

  @Field(() => Boolean, { description: 'The record banks a party member\'s service (在职党员进社区).' })
  partyMember!: boolean;

  @Field(() => DateTime, { description: 'When the volunteer was registered.' })
  createdAt!: Date;

  districtId!: number;
  streetId!: number;
  communityId!: number;
  residentId!: number | null;
  partyMemberId!: number | null;
}

@ObjectType({ implements: Node, description: 'A volunteer service team (志愿服务队) of a community, e.g. an old-age university team or the "migratory bird" art troupe. Public.', simpleResolvers: true })
export class VolunteerTeam extends Node {
  @Field(() => String, { description: 'Name, e.g. "候鸟艺术团".' })
  name!: string;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'What the team does.' })
  description!: string | null;

  @Field(() => DateTime, { description: 'When the team was set up.' })
  createdAt!: Date;

  districtId!: number;
  streetId!: number;
  communityId!: number;
  leaderId!: number | null;
}

@ObjectType({ description: 'A member of a volunteer team, as the public sees them: a name. Those who may read the volunteer\'s record follow `volunteer`.', simpleResolvers: true })
export class VolunteerTeamMember {
  @Field(() => String, { description: 'The member\'s name.' })
  name!: string;

  @Field(() => DateTime, { description: 'When they joined the team.' })
  joinedAt!: Date;

  @Field(() => Boolean, { description: 'They lead the team (队长).' })
  leader!: boolean;

  id!: number;
  teamId!: number;
}

@ObjectType({ implements: Node, description: 'A volunteer activity (志愿活动) of a team: a time, a place and a number of places. Public; its sign-up list is for its organiser and the staff.', simpleResolvers: true })
export class VolunteerActivity extends Node {
  @FreeText()
  @Field(() => String, { description: 'What is done, e.g. "楼道清理".' })
  title!: string;

  @FreeText()
  @Field(() => String, { description: 'Where to meet, e.g. "黄河社区3号楼前".' })
  place!: string;

  @Field(() => DateTime, { description: 'When it starts; sign-ups close then, and attendance can be confirmed from then on.' })
  startsAt!: Date;

  @Field(() => DateTime, { description: 'When it ends.' })
  endsAt!: Date;

  @Field(() => Int, { description: 'Places (名额): sign-ups never exceed it.' })
  capacity!: number;

  @Field(() => ActivityStatus, { description: 'Open or cancelled.' })
  status!: ActivityStatus;

  @Field(() => DateTime, { description: 'When it was planned.' })
  createdAt!: Date;

  teamId!: number;
  districtId!: number;
  streetId!: number;
  communityId!: number;
  gridId!: number | null;
  organiserSubject!: string;
}

@ObjectType({ implements: Node, description: 'A volunteer\'s sign-up (报名) for an activity, and the attendance its organiser confirmed.', simpleResolvers: true })
export class ActivitySignup extends Node {
  @Field(() => DateTime, { description: 'When the volunteer signed up (again, after a cancellation).' })
  signedUpAt!: Date;

  @Field(() => DateTime, { nullable: true, description: 'When the sign-up was cancelled; null while it holds a place.' })
  cancelledAt!: Date | null;

  @Field(() => Decimal, { nullable: true, description: 'Hours the organiser confirmed; null until attendance is confirmed (or after its movement was reversed).' })
  attendedHours!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When the organiser confirmed the attendance.' })
  attendanceConfirmedAt!: Date | null;

  activityId!: number;
  volunteerId!: number;
  movementId!: number | null;
}

@ObjectType({ implements: Node, description: 'A partner merchant (联盟商户) of the love bank, where volunteers spend points. Public.', simpleResolvers: true })
export class Merchant extends Node {
  @Field(() => String, { description: 'Shop name, e.g. "惠民超市".' })
  name!: string;

  @Field(() => String, { description: 'Address of the shop.' })
  address!: string;

  @Field(() => String, { nullable: true, description: 'Shop phone: the business\'s published number, not personal data, so shown whole.' })
  phone!: string | null;

  districtId!: number;
  streetId!: number;
  communityId!: number;
}

@ObjectType({ implements: Node, description: 'An item a partner merchant offers for points. Public.', simpleResolvers: true })
export class MerchantItem extends Node {
  @Field(() => String, { description: 'What it is, e.g. "食用油 5L".' })
  name!: string;

  @Field(() => Int, { description: 'Price in points, for one.' })
  pricePoints!: number;

  @Field(() => Int, { nullable: true, description: 'Units left; null when the merchant set no limit.' })
  stock!: number | null;

  @Field(() => Boolean, { description: 'Offered now; an inactive item cannot be redeemed.' })
  active!: boolean;

  merchantId!: number;
}

@ObjectType({ implements: Node, description: 'Points a volunteer spent at a partner merchant (积分兑换).', simpleResolvers: true })
export class Redemption extends Node {
  @Field(() => Int, { description: 'How many of the item.' })
  quantity!: number;

  @Field(() => Int, { description: 'Points paid: the item\'s price times the quantity, at the time.' })
  points!: number;

  @Field(() => DateTime, { description: 'When.' })
  redeemedAt!: Date;

  volunteerId!: number;
  merchantId!: number;
  itemId!: number;
  actorSubject!: string;
}

@ObjectType({ implements: Node, description: 'A movement of the love bank\'s books: one business event as a balanced set of entries (double entry). Never changed; corrected by a reversal.', simpleResolvers: true })
export class LedgerMovement extends Node {
  @Field(() => MovementKind, { description: 'What happened.' })
  kind!: MovementKind;

  @Field(() => DateScalar, { description: 'The day (in China) the service or purchase happened; a reversal\'s is the day of the correction.' })
  occurredOn!: string;

  @FreeText()
  @Field(() => String, { nullable: true, description: 'Why: the activity\'s title, or the reason of a reversal.' })
  note!: string | null;

  @Field(() => Int, { nullable: true, description: 'Points per hour applied, when hours earned points.' })
  pointsPerHour!: number | null;

  @Field(() => DateTime, { description: 'When it was written.' })
  createdAt!: Date;

  signupId!: number | null;
  wishId!: number | null;
  redemptionId!: number | null;
  reversesId!: number | null;
  actorSubject!: string;
  actorRole!: string;
}

@ObjectType({ implements: Node, description: 'One line of a movement: an amount of hours or points on one account. A balance is the sum of an account\'s entries.', simpleResolvers: true })
export class LedgerEntry extends Node {
  @Field(() => LedgerAsset, { description: 'Hours or points.' })
  asset!: LedgerAsset;

  @Field(() => Decimal, { description: 'Positive credits the account, negative debits it; points are whole.' })
  amount!: string;

  @Field(() => DateScalar, { description: 'The day of its movement.' })
  occurredOn!: string;

  movementId!: number;
  accountId!: number;
}

@ObjectType({ implements: Node, description: 'A published rate (积分兑换比例): points earned per confirmed hour, city-wide, from a day on. Public.', simpleResolvers: true })
export class PointRate extends Node {
  @Field(() => Int, { description: 'Points per hour of service.' })
  pointsPerHour!: number;

  @Field(() => DateScalar, { description: 'The first day (in China) of service it applies to; it applies until the next rate takes effect.' })
  effectiveFrom!: string;

  @Field(() => DateTime, { description: 'When the city published it.' })
  publishedAt!: Date;
}

@ObjectType({ description: 'One place on a community\'s volunteer leaderboard. Public: names and what they earned, nothing else.', simpleResolvers: true })
export class VolunteerLeaderboardEntry {
  @Field(() => Int, { description: 'Rank, 1 first; volunteers who earned the same share a rank, and the next rank skips (1, 1, 3).' })
  rank!: number;

  @Field(() => String, { description: 'The volunteer\'s name.' })
  name!: string;

  @Field(() => Decimal, { description: 'Service hours earned in the period, reversals netted.' })
  hours!: string;

  @Field(() => Int, { description: 'Points earned in the period, reversals netted; what was spent is not subtracted.' })
  points!: number;
}

@ObjectType({ description: 'A movement whose entries do not sum to zero in one asset, or that has no entries at all.', simpleResolvers: true })
export class LedgerImbalance {
  @Field(() => ID, { description: 'Global ID of the movement.' })
  movementId!: string;

  @Field(() => LedgerAsset, { nullable: true, description: 'The asset that does not balance; null for a movement without entries.' })
  asset!: LedgerAsset | null;

  @Field(() => Decimal, { description: 'What its entries of that asset sum to (zero for a movement without entries).' })
  sum!: string;

  movementKey!: number;
}

@ObjectType({ description: 'The result of checking the whole love-bank ledger: every movement must balance per asset.', simpleResolvers: true })
export class LedgerVerification {
  @Field(() => Int, { description: 'Movements checked.' })
  movementsChecked!: number;

  @Field(() => Int, { description: 'Entries checked.' })
  entriesChecked!: number;

  @Field(() => Boolean, { description: 'Every movement balances.' })
  balanced!: boolean;

  @Field(() => [LedgerImbalance], { description: 'The movements that do not balance, in order; empty on good books.' })
  unbalanced!: LedgerImbalance[];
}

export const VolunteerConnection = Connection(Volunteer, 'Volunteer', 'A page of volunteers.');
export const VolunteerTeamConnection = Connection(VolunteerTeam, 'VolunteerTeam', 'A page of volunteer teams.');
export const VolunteerTeamMemberConnection = Connection(VolunteerTeamMember, 'VolunteerTeamMember', 'A page of a team\'s members.');
export const VolunteerActivityConnection = Connection(VolunteerActivity, 'VolunteerActivity', 'A page of volunteer activities.');
export const ActivitySignupConnection = Connection(ActivitySignup, 'ActivitySignup', 'A page of sign-ups.');
export const MerchantConnection = Connection(Merchant, 'Merchant', 'A page of partner merchants.');
export const MerchantItemConnection = Connection(MerchantItem, 'MerchantItem', 'A page of a merchant\'s items.');
export const RedemptionConnection = Connection(Redemption, 'Redemption', 'A page of redemptions, newest first.');
export const LedgerEntryConnection = Connection(LedgerEntry, 'LedgerEntry', 'A page of ledger entries, newest first.');
export const PointRateConnection = Connection(PointRate, 'PointRate', 'A page of published point rates, latest first.');

export const VolunteerPayload = Payload(Volunteer, 'volunteer', 'Volunteer');
export const VolunteerTeamPayload = Payload(VolunteerTeam, 'team', 'VolunteerTeam');
export const VolunteerActivityPayload = Payload(VolunteerActivity, 'activity', 'VolunteerActivity');
export const ActivitySignupPayload = Payload(ActivitySignup, 'signup', 'ActivitySignup');
export const MerchantPayload = Payload(Merchant, 'merchant', 'Merchant');
export const MerchantItemPayload = Payload(MerchantItem, 'item', 'MerchantItem');
export const RedemptionPayload = Payload(Redemption, 'redemption', 'Redemption');
export const LedgerMovementPayload = Payload(LedgerMovement, 'movement', 'LedgerMovement');
export const PointRatePayload = Payload(PointRate, 'pointRate', 'PointRate');
