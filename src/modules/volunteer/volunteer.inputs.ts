import { ArrayMaxSize, ArrayMinSize, IsNotEmpty, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ForwardPageArgs, PageArgs } from '../../graphql/connection';
import { DateScalar, DateTime, Decimal } from '../../graphql/scalars';

export const MAX_CAPACITY = 1000;
export const MAX_QUANTITY = 100;
export const MAX_PRICE_POINTS = 1_000_000;
export const MAX_STOCK = 1_000_000;
export const MAX_RATE = 1000;

const NAME = [IsNotEmpty({ message: 'A name is required.' }), MaxLength(100, { message: 'A name has at most 100 characters.' })];
function Name(): PropertyDecorator {
  return (target, key) => NAME.forEach((rule) => rule(target, key));
}

// Volunteers and teams ----------------------------------------------------------------------

@InputType({ description: 'A new volunteer: a resident (name and phone come from the resident register), or a person by name in a community.' })
export class VolunteerRegisterInput {
  @Field(() => ID, { nullable: true, description: 'The resident who volunteers; their community is theirs. Each resident registers once.' })
  residentId?: string;

  @Field(() => ID, { nullable: true, description: 'The community a person who is not a resident serves in; omit it with `residentId`.' })
  communityId?: string;

  @Field(() => String, { nullable: true, description: 'Name of a person who is not a resident, at most 100 characters.' })
  @MaxLength(100, { message: 'A name has at most 100 characters.' })
  name?: string;

  @Field(() => String, { nullable: true, description: 'Mobile phone (11 digits) of a person who is not a resident.' })
  phone?: string;
}

@InputType({ description: 'Which volunteers to list.' })
export class VolunteerFilter {
  @Field(() => ID, { nullable: true, description: 'Only volunteers of this district, street or community, or residents of this grid (sub-grids included).' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only members of this team.' })
  teamId?: string;

  @Field(() => String, { nullable: true, description: 'Only names containing this text.' })
  nameContains?: string;
}

@ArgsType()
export class VolunteersArgs extends PageArgs {
  @Field(() => VolunteerFilter, { nullable: true, description: 'Which volunteers; all the viewer may see when omitted.' })
  filter?: VolunteerFilter;
}

@InputType({ description: 'A new volunteer service team (志愿服务队).' })
export class VolunteerTeamCreateInput {
  @Field(() => ID, { description: 'The community whose team it is.' })
  communityId!: string;

  @Field(() => String, { description: 'Name, e.g. "候鸟艺术团", at most 100 characters.' })
  @Name()
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the team does, at most 1,000 characters.' })
  @MaxLength(1000, { message: 'A description has at most 1,000 characters.' })
  description?: string;

  @Field(() => ID, { nullable: true, description: 'A volunteer who leads it (队长); they join the team.' })
  leaderId?: string;
}

@InputType({ description: 'Which teams to list.' })
export class VolunteerTeamFilter {
  @Field(() => ID, { nullable: true, description: 'Only teams of this district, street or community.' })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Only names containing this text.' })
  nameContains?: string;
}

@ArgsType()
export class VolunteerTeamsArgs extends PageArgs {
  @Field(() => VolunteerTeamFilter, { nullable: true, description: 'Which teams; all when omitted.' })
  filter?: VolunteerTeamFilter;
}

// Activities and sign-ups -------------------------------------------------------------------

@InputType({ description: 'A new volunteer activity (志愿活动) of a team.' })
export class VolunteerActivityCreateInput {
  @Field(() => ID, { description: 'The team that holds it.' })
  teamId!: string;

  @Field(() => String, { description: 'What is done, at most 100 characters.' })
  @IsNotEmpty({ message: 'A title is required.' })
  @MaxLength(100, { message: 'A title has at most 100 characters.' })
  title!: string;

  @Field(() => String, { description: 'Where to meet, at most 200 characters.' })
  @IsNotEmpty({ message: 'A place is required.' })
  @MaxLength(200, { message: 'A place has at most 200 characters.' })
  place!: string;

  @Field(() => DateTime, { description: 'When it starts: ahead for a team leader; the community\'s staff may give a past start to record an activity already held.' })
  startsAt!: Date;

  @Field(() => DateTime, { description: 'When it ends: after it starts, at most 24 hours later.' })
  endsAt!: Date;

  @Field(() => Int, { description: `Places (名额), 1 to ${MAX_CAPACITY}.` })
  @Min(1, { message: 'An activity has at least 1 place.' })
  @Max(MAX_CAPACITY, { message: `An activity has at most ${MAX_CAPACITY} places.` })
  capacity!: number;

  @Field(() => ID, { nullable: true, description: 'The grid it takes place in, in the team\'s community.' })
  gridId?: string;
}

@InputType({ description: 'Which activities to list.' })
export class VolunteerActivityFilter {
  @Field(() => ID, { nullable: true, description: 'Only activities of this district, street or community, or in this grid (sub-grids included).' })
  within?: string;

  @Field(() => ID, { nullable: true, description: 'Only this team\'s.' })
  teamId?: string;

  @Field(() => DateTime, { nullable: true, description: 'Only activities starting at or after this time.' })
  from?: Date;

  @Field(() => DateTime, { nullable: true, description: 'Only activities starting before this time.' })
  to?: Date;

  @Field(() => Boolean, { nullable: true, description: 'true: only open activities that have not started yet (still taking sign-ups, if places are left).' })
  upcoming?: boolean;
}

@ArgsType()
export class VolunteerActivitiesArgs extends PageArgs {
  @Field(() => VolunteerActivityFilter, { nullable: true, description: 'Which activities; all when omitted. Listed by start time, soonest first.' })
  filter?: VolunteerActivityFilter;
}

@InputType({ description: 'One attendee of an activity: their sign-up, or the volunteer (who is signed up on the spot if they came without signing up).' })
export class AttendeeInput {
  @Field(() => ID, { nullable: true, description: 'The sign-up of the volunteer who came.' })
  signupId?: string;

  @Field(() => ID, { nullable: true, description: 'The volunteer who came, when the organiser has no sign-up at hand (e.g. scanning a volunteer card).' })
  volunteerId?: string;

  @Field(() => Decimal, { nullable: true, description: 'Hours served, at most the activity\'s duration; the whole activity when omitted.' })
  hours?: string;
}

@ArgsType()
export class AttendanceConfirmArgs {
  @Field(() => ID, { description: 'The activity, once it has started.' })
  activityId!: string;

  @Field(() => [AttendeeInput], { description: 'Who came, each at most once; at most 1,000.' })
  @ArrayMinSize(1, { message: 'Name at least one attendee.' })
  @ArrayMaxSize(MAX_CAPACITY, { message: `At most ${MAX_CAPACITY} attendees at once.` })
  @ValidateNested({ each: true })
  attendees!: AttendeeInput[];

  @Field(() => String, { nullable: true, description: 'A key the organiser\'s app makes once per confirmation: a repeat returns the first result and credits nothing again.' })
  idempotencyKey?: string;
}

// Rates, merchants, redemptions -------------------------------------------------------------

@InputType({ description: 'A new points-per-hour rate, published ahead.' })
export class PointRatePublishInput {
  @Field(() => Int, { description: `Points per hour of service, 1 to ${MAX_RATE}.` })
  @Min(1, { message: 'A rate is at least 1 point per hour.' })
  @Max(MAX_RATE, { message: `A rate is at most ${MAX_RATE} points per hour.` })
  pointsPerHour!: number;

  @Field(() => DateScalar, { description: 'The first day (in China) it applies to: today or later.' })
  effectiveFrom!: string;
}

@InputType({ description: 'A new partner merchant (联盟商户).' })
export class MerchantCreateInput {
  @Field(() => ID, { description: 'The community the shop is in.' })
  communityId!: string;

  @Field(() => String, { description: 'Shop name, at most 100 characters.' })
  @Name()
  name!: string;

  @Field(() => String, { description: 'Address, at most 200 characters.' })
  @IsNotEmpty({ message: 'An address is required.' })
  @MaxLength(200, { message: 'An address has at most 200 characters.' })
  address!: string;

  @Field(() => String, { nullable: true, description: 'Shop phone: a mobile or a landline, at most 20 characters.' })
  @MaxLength(20, { message: 'A phone has at most 20 characters.' })
  phone?: string;
}

@InputType({ description: 'Which merchants to list.' })
export class MerchantFilter {
  @Field(() => ID, { nullable: true, description: 'Only merchants of this district, street or community.' })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Only names containing this text.' })
  nameContains?: string;
}

@ArgsType()
export class MerchantsArgs extends PageArgs {
  @Field(() => MerchantFilter, { nullable: true, description: 'Which merchants; all when omitted.' })
  filter?: MerchantFilter;
}

@InputType({ description: 'A new item the merchant (the token\'s) offers for points.' })
export class MerchantItemCreateInput {
  @Field(() => String, { description: 'What it is, at most 100 characters.' })
  @Name()
  name!: string;

  @Field(() => Int, { description: `Price in points, 1 to ${MAX_PRICE_POINTS}.` })
  @Min(1, { message: 'A price is at least 1 point.' })
  @Max(MAX_PRICE_POINTS, { message: `A price is at most ${MAX_PRICE_POINTS} points.` })
  pricePoints!: number;

  @Field(() => Int, { nullable: true, description: 'Units on offer; no limit when omitted.' })
  @Min(0, { message: 'Stock is not negative.' })
  @Max(MAX_STOCK, { message: `Stock is at most ${MAX_STOCK}.` })
  stock?: number | null;
}

@InputType({ description: 'Changes to an item; omitted fields stay as they are.' })
export class MerchantItemUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name.' })
  @Name()
  name?: string;

  @Field(() => Int, { nullable: true, description: 'New price in points; redemptions already made keep theirs.' })
  @Min(1, { message: 'A price is at least 1 point.' })
  @Max(MAX_PRICE_POINTS, { message: `A price is at most ${MAX_PRICE_POINTS} points.` })
  pricePoints?: number;

  @Field(() => Int, { nullable: true, description: 'Units left now; an explicit null removes the limit.' })
  @Min(0, { message: 'Stock is not negative.' })
  @Max(MAX_STOCK, { message: `Stock is at most ${MAX_STOCK}.` })
  stock?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Offered (true) or withdrawn (false).' })
  active?: boolean;
}

@ArgsType()
export class MerchantItemsArgs extends ForwardPageArgs {
  @Field(() => Boolean, { defaultValue: false, description: 'Also list withdrawn items.' })
  includeInactive!: boolean;
}

@InputType({ description: 'Points spent on an item, by the volunteer of the token (or the party member\'s banked record).' })
export class RedemptionCreateInput {
  @Field(() => ID, { description: 'The merchant\'s item.' })
  itemId!: string;

  @Field(() => Int, { defaultValue: 1, description: `How many, 1 to ${MAX_QUANTITY}.` })
  @Min(1, { message: 'Redeem at least one.' })
  @Max(MAX_QUANTITY, { message: `Redeem at most ${MAX_QUANTITY} at once.` })
  quantity!: number;
}

@ArgsType()
export class LedgerReverseArgs {
  @Field(() => ID, { description: 'The movement to reverse (not itself a reversal).' })
  movementId!: string;

  @Field(() => String, { description: 'Why, at most 500 characters; kept on the reversal.' })
  @IsNotEmpty({ message: 'Say why the movement is reversed.' })
  @MaxLength(500, { message: 'A reason has at most 500 characters.' })
  reason!: string;

  @Field(() => String, { nullable: true, description: 'A key made once per correction: a repeat returns the first reversal.' })
  idempotencyKey?: string;
}

@ArgsType()
export class SignupsArgs extends ForwardPageArgs {
  @Field(() => Boolean, { defaultValue: false, description: 'Also list cancelled sign-ups.' })
  includeCancelled!: boolean;
}
