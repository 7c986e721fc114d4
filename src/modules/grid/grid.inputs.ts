import { ArrayMaxSize, IsNotEmpty, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { OrderDirection, PageArgs } from '../../graphql/connection';
import { DateScalar, Decimal, GeoJSON } from '../../graphql/scalars';
import { Gender, GridLevel, Registration, ResidentTag, StaffRole } from './grid.types';

const WITHIN = 'Only items under this unit: the ID of a district, street, community, grid (its sub-grids included)';

@InputType({ description: 'Filter for streets.' })
export class StreetFilter {
  @Field(() => ID, { nullable: true, description: 'Only streets of this district.' })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string;
}

@InputType({ description: 'Filter for communities.' })
export class CommunityFilter {
  @Field(() => ID, { nullable: true, description: 'Only communities under this district or street.' })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string;
}

@InputType({ description: 'Filter for grids.' })
export class GridFilter {
  @Field(() => ID, { nullable: true, description: `${WITHIN}.` })
  within?: string;

  @Field(() => [GridLevel], { nullable: true, description: 'Only grids of these levels.' })
  levels?: GridLevel[];

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string;
}

@InputType({ description: 'Filter for buildings.' })
export class BuildingFilter {
  @Field(() => ID, { nullable: true, description: `${WITHIN}.` })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Name or address contains this text.' })
  search?: string;
}

@InputType({ description: 'Filter for households.' })
export class HouseholdFilter {
  @Field(() => ID, { nullable: true, description: `${WITHIN}, or building.` })
  within?: string;

  @Field(() => String, { nullable: true, description: 'Address contains this text.' })
  addressContains?: string;
}

@InputType({ description: 'Filter for residents.' })
export class ResidentFilter {
  @Field(() => ID, { nullable: true, description: `${WITHIN}, building or household.` })
  within?: string;

  @Field(() => [ResidentTag], { nullable: true, description: 'Only residents carrying every one of these tags.' })
  tags?: ResidentTag[];

  @Field(() => [ResidentTag], { nullable: true, description: 'Only residents carrying at least one of these tags.' })
  anyTags?: ResidentTag[];

  @Field(() => Registration, { nullable: true, description: 'Only registered (户籍) or only floating (流动人口) residents.' })
  registration?: Registration;

  @Field(() => Gender, { nullable: true, description: 'Only residents of this gender (性别).' })
  gender?: Gender;

  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string;

  @Field(() => String, { nullable: true, description: 'Exactly this ID card number (公民身份号码, 18 characters; x and X alike). Only whole numbers are found: the numbers are stored encrypted.' })
  idCardNumber?: string;

  @Field(() => DateScalar, { nullable: true, description: 'Born on or after this date.' })
  bornFrom?: string;

  @Field(() => DateScalar, { nullable: true, description: 'Born on or before this date.' })
  bornTo?: string;
}

@InputType({ description: 'Filter for staff assignments.' })
export class StaffAssignmentFilter {
  @Field(() => ID, { nullable: true, description: `${WITHIN}.` })
  within?: string;

  @Field(() => [StaffRole], { nullable: true, description: 'Only these roles.' })
  roles?: StaffRole[];

  @Field(() => Boolean, { nullable: true, description: 'Include assignments that have ended; default false.' })
  includeEnded?: boolean;
}

export enum UnitOrderField {
  ID = 'ID',
  CODE = 'CODE',
  NAME = 'NAME',
}
registerEnumType(UnitOrderField, {
  name: 'UnitOrderField',
  description: 'Sort key of administrative units.',
  valuesConfig: { ID: { description: 'Creation order.' }, CODE: { description: 'Unified code.' }, NAME: { description: 'Name.' } },
});

@InputType({ description: 'Order of streets, communities or grids.' })
export class UnitOrder {
  @Field(() => UnitOrderField, { description: 'Sort key: code, name or creation order.' })
  field!: UnitOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Ascending or descending; ascending by default.' })
  direction!: OrderDirection;
}

export enum ResidentOrderField {
  ID = 'ID',
  NAME = 'NAME',
  BIRTH_DATE = 'BIRTH_DATE',
}
registerEnumType(ResidentOrderField, {
  name: 'ResidentOrderField',
  description: 'Sort key of residents.',
  valuesConfig: { ID: { description: 'Creation order.' }, NAME: { description: 'Name.' }, BIRTH_DATE: { description: 'Birth date.' } },
});

@InputType({ description: 'Order of residents.' })
export class ResidentOrder {
  @Field(() => ResidentOrderField, { description: 'Sort key: name, birth date or creation order.' })
  field!: ResidentOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC, description: 'Ascending or descending; ascending by default.' })
  direction!: OrderDirection;
}

@ArgsType()
export class StreetsArgs extends PageArgs {
  @Field(() => StreetFilter, { nullable: true, description: 'Which streets (街道) to list; all of them when omitted.' })
  filter?: StreetFilter;

  @Field(() => UnitOrder, { nullable: true, description: 'Sort order; by code, ascending, when omitted.' })
  orderBy?: UnitOrder;
}

@ArgsType()
export class CommunitiesArgs extends PageArgs {
  @Field(() => CommunityFilter, { nullable: true, description: 'Which communities (社区) to list; all of them when omitted.' })
  filter?: CommunityFilter;

  @Field(() => UnitOrder, { nullable: true, description: 'Sort order; by code, ascending, when omitted.' })
  orderBy?: UnitOrder;
}

@ArgsType()
export class GridsArgs extends PageArgs {
  @Field(() => GridFilter, { nullable: true, description: 'Which grids (网格) to list; all of them when omitted.' })
  filter?: GridFilter;

  @Field(() => UnitOrder, { nullable: true, description: 'Sort order; by unified code (统一编号), ascending, when omitted.' })
  orderBy?: UnitOrder;
}

@ArgsType()
export class BuildingsArgs extends PageArgs {
  @Field(() => BuildingFilter, { nullable: true, description: 'Which buildings (楼栋) to list; all the viewer may see when omitted.' })
  filter?: BuildingFilter;
}

@ArgsType()
export class HouseholdsArgs extends PageArgs {
  @Field(() => HouseholdFilter, { nullable: true, description: 'Which households (户) to list; all the viewer may see when omitted.' })
  filter?: HouseholdFilter;
}

@ArgsType()
export class ResidentsArgs extends PageArgs {
  @Field(() => ResidentFilter, { nullable: true, description: 'Which residents (居民) to list; all the viewer may see when omitted.' })
  filter?: ResidentFilter;

  @Field(() => ResidentOrder, { nullable: true, description: 'Sort order; creation order, ascending, when omitted.' })
  orderBy?: ResidentOrder;
}

@ArgsType()
export class StaffAssignmentsArgs extends PageArgs {
  @Field(() => StaffAssignmentFilter, { nullable: true, description: 'Which assignments to list; every current one when omitted.' })
  filter?: StaffAssignmentFilter;
}

const NAME_RULES = [IsNotEmpty({ message: 'A name is required.' }), MaxLength(100, { message: 'A name has at most 100 characters.' })];
function Name(): PropertyDecorator {
  return (target, key) => NAME_RULES.forEach((rule) => rule(target, key));
}

@InputType({ description: 'A new street (街道).' })
export class StreetCreateInput {
  @Field(() => ID, { description: 'District the street belongs to.' })
  districtId!: string;

  @Field(() => String, { nullable: true, description: 'The district code and a 3-digit sequence; the next free one when omitted.' })
  @Matches(/^\d{9}$/, { message: 'A street code has 9 digits: the district code and a 3-digit sequence.' })
  code?: string;

  @Field(() => String, { description: 'Name of the street, e.g. "市中街道".' })
  @Name()
  name!: string;
}

@InputType({ description: 'Changes to a street; omitted fields stay as they are.' })
export class StreetUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name of the street.' })
  @Name()
  name?: string;
}

@InputType({ description: 'A new community (社区).' })
export class CommunityCreateInput {
  @Field(() => ID, { description: 'Street the community belongs to.' })
  streetId!: string;

  @Field(() => String, { nullable: true, description: 'The street code and a 3-digit sequence; the next free one when omitted.' })
  @Matches(/^\d{12}$/, { message: 'A community code has 12 digits: the street code and a 3-digit sequence.' })
  code?: string;

  @Field(() => String, { description: 'Name of the community, e.g. "黄河社区".' })
  @Name()
  name!: string;
}

@InputType({ description: 'Changes to a community; omitted fields stay as they are.' })
export class CommunityUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name of the community.' })
  @Name()
  name?: string;
}

@InputType({ description: 'A new grid. Without a parent it is a level-1 grid of the community; under a level-1 grid it is level 2; under a level-2 grid, a micro grid.' })
export class GridCreateInput {
  @Field(() => ID, { nullable: true, description: 'Community of a level-1 grid; omit it when `parentGridId` is given.' })
  communityId?: string;

  @Field(() => ID, { nullable: true, description: 'Parent grid; the new grid lies inside its boundary.' })
  parentGridId?: string;

  @Field(() => String, { nullable: true, description: 'Parent code (community or grid) and `-NN`; the next free one when omitted.' })
  @Matches(/^\d{12}(-\d{2,3}){1,3}$/, { message: 'A grid code is the community code followed by "-NN" per level, e.g. 371602001001-01-02.' })
  code?: string;

  @Field(() => String, { description: 'Name of the grid, e.g. "黄河社区第一网格".' })
  @Name()
  name!: string;

  @Field(() => GeoJSON, { description: 'Boundary polygon, inside the parent grid\'s.' })
  boundary!: unknown;
}

@InputType({ description: 'Changes to a grid; omitted fields stay as they are.' })
export class GridUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name of the grid.' })
  @Name()
  name?: string;

  @Field(() => GeoJSON, { nullable: true, description: 'New boundary: inside the parent grid\'s and around every sub-grid\'s.' })
  boundary?: unknown;
}

@InputType({ description: 'A new building (楼栋).' })
export class BuildingCreateInput {
  @Field(() => ID, { description: 'Grid the building stands in.' })
  gridId!: string;

  @Field(() => String, { description: 'Name on the door, e.g. "3号楼".' })
  @Name()
  name!: string;

  @Field(() => String, { description: 'Full postal address.' })
  @IsNotEmpty({ message: 'An address is required.' })
  @MaxLength(200, { message: 'An address has at most 200 characters.' })
  address!: string;

  @Field(() => Int, { nullable: true, description: 'Number of floors above ground, 1 to 200.' })
  @Min(1, { message: 'A building has at least one floor.' })
  @Max(200, { message: 'A building has at most 200 floors.' })
  floors?: number;
}

@InputType({ description: 'Changes to a building; omitted fields stay as they are.' })
export class BuildingUpdateInput {
  @Field(() => String, { nullable: true, description: 'New name on the door, e.g. "3号楼".' })
  @Name()
  name?: string;

  @Field(() => String, { nullable: true, description: 'Corrected full postal address.' })
  @IsNotEmpty({ message: 'An address is required.' })
  @MaxLength(200, { message: 'An address has at most 200 characters.' })
  address?: string;

  @Field(() => Int, { nullable: true, description: 'Corrected number of floors above ground, 1 to 200.' })
  @Min(1, { message: 'A building has at least one floor.' })
  @Max(200, { message: 'A building has at most 200 floors.' })
  floors?: number;
}

const FLOOR_AREA_RULE = Matches(/^\d{1,6}(\.\d{1,2})?$/, { message: 'Floor area is a positive number of m² with at most two decimals, e.g. "89.50".' });

@InputType({ description: 'A new household (户) in a building.' })
export class HouseholdCreateInput {
  @Field(() => ID, { description: 'Building (楼栋) the dwelling is in.' })
  buildingId!: string;

  @Field(() => String, { description: 'Unit and room, e.g. "2单元501"; unique in the building.' })
  @IsNotEmpty({ message: 'A room is required.' })
  @MaxLength(50, { message: 'A room has at most 50 characters.' })
  room!: string;

  @Field(() => Decimal, { description: 'Floor area in m².' })
  @FLOOR_AREA_RULE
  floorArea!: string;
}

@InputType({ description: 'Changes to a household; omitted fields stay as they are.' })
export class HouseholdUpdateInput {
  @Field(() => String, { nullable: true, description: 'Corrected unit and room, e.g. "2单元501"; unique in the building.' })
  @IsNotEmpty({ message: 'A room is required.' })
  @MaxLength(50, { message: 'A room has at most 50 characters.' })
  room?: string;

  @Field(() => Decimal, { nullable: true, description: 'Corrected floor area in m² (专有部分面积).' })
  @FLOOR_AREA_RULE
  floorArea?: string;
}

@InputType({ description: 'A new resident (居民). Gender and birth date are read from the ID card number when omitted.' })
export class ResidentCreateInput {
  @Field(() => ID, { description: 'Household (户) the resident belongs to.' })
  householdId!: string;

  @Field(() => String, { description: 'Full name (姓名), as on the ID card.' })
  @Name()
  name!: string;

  @Field(() => String, { description: 'Resident ID card number (GB 11643), 18 characters.' })
  @Length(18, 18, { message: 'An ID card number has 18 characters.' })
  idCardNumber!: string;

  @Field(() => String, { nullable: true, description: 'Mainland mobile number, 11 digits.' })
  phone?: string;

  @Field(() => Gender, { nullable: true, description: 'Gender (性别), read from the ID card number when omitted; must agree with it.' })
  gender?: Gender;

  @Field(() => DateScalar, { nullable: true, description: 'Date of birth, read from the ID card number when omitted; must agree with it.' })
  birthDate?: string;

  @Field(() => Registration, { description: 'Registered (户籍) or floating (流动人口) population.' })
  registration!: Registration;

  @Field(() => [ResidentTag], { defaultValue: [], description: 'Tags such as party member (党员) or elderly living alone (空巢老人); none by default.' })
  @ArrayMaxSize(6)
  tags!: ResidentTag[];

  @Field(() => Boolean, { defaultValue: false, description: 'Head of the household (户主).' })
  householder!: boolean;
}

@InputType({ description: 'Changes to a resident; omitted fields stay as they are.' })
export class ResidentUpdateInput {
  @Field(() => ID, { nullable: true, description: 'Move to another household.' })
  householdId?: string;

  @Field(() => String, { nullable: true, description: 'Corrected full name (姓名).' })
  @Name()
  name?: string;

  @Field(() => String, { nullable: true, description: 'Corrected ID card number.' })
  @Length(18, 18, { message: 'An ID card number has 18 characters.' })
  idCardNumber?: string;

  @Field(() => String, { nullable: true, description: 'Mobile number; an empty string removes it.' })
  phone?: string;

  @Field(() => Registration, { nullable: true, description: 'New status: registered (户籍) or floating (流动人口) population.' })
  registration?: Registration;

  @Field(() => [ResidentTag], { nullable: true, description: 'The whole new set of tags.' })
  @ArrayMaxSize(6)
  tags?: ResidentTag[];

  @Field(() => Boolean, { nullable: true, description: 'Head of the household (户主) or not; a household has at most one.' })
  householder?: boolean;
}

@InputType({ description: 'A new person, when the assignment is their first.' })
export class StaffMemberInput {
  @Field(() => String, { description: 'Full name, shown on the public board (公开亮身份).' })
  @Name()
  name!: string;

  @Field(() => String, { description: 'Public work phone: a mainland mobile number.' })
  phone!: string;
}

@InputType({ description: 'Assign a person to a role in a grid.' })
export class StaffAssignmentCreateInput {
  @Field(() => ID, { description: 'Grid (网格) the person will serve in.' })
  gridId!: string;

  @Field(() => StaffRole, { description: 'Role in the grid; a building head (楼栋长) also needs `buildingId`.' })
  role!: StaffRole;

  @Field(() => ID, { nullable: true, description: 'An existing person; or give `newMember`.' })
  staffMemberId?: string;

  @Field(() => StaffMemberInput, { nullable: true, description: 'A person not yet serving; or give `staffMemberId`.' })
  newMember?: StaffMemberInput;

  @Field(() => ID, { nullable: true, description: 'The building of a building head (楼栋长); in the grid.' })
  buildingId?: string;

  @Field(() => DateScalar, { nullable: true, description: 'First day of service; today when omitted.' })
  startedOn?: string;
}

@InputType({ description: 'Changes to an assignment; omitted fields stay as they are.' })
export class StaffAssignmentUpdateInput {
  @Field(() => StaffRole, { nullable: true, description: 'New role in the same grid; building head (楼栋长) only for an assignment with a building.' })
  role?: StaffRole;

  @Field(() => DateScalar, { nullable: true, description: 'Last day of service: ends the assignment.' })
  endedOn?: string;
}
