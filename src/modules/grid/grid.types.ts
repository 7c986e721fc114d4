import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/connection';
import { Node } from '../../graphql/node';
import { mirror } from '../../graphql/enums';
import { Payload } from '../../graphql/payload';
import { DateScalar, DateTime, Decimal, GeoJSON } from '../../graphql/scalars';
import { gender, gridLevel, registration, residentTag, staffRole } from './grid.tables';


export const GridLevel = mirror(gridLevel.enumValues);
export type GridLevel = keyof typeof GridLevel;
registerEnumType(GridLevel, {
  name: 'GridLevel',
  description: 'Level of a grid in the three-level net (一级网格 / 二级网格 / 微网格).',
  valuesConfig: {
    LEVEL_1: { description: 'Level-1 grid (一级网格), directly under a community.' },
    LEVEL_2: { description: 'Level-2 grid (二级网格), inside a level-1 grid.' },
    MICRO: { description: 'Micro grid (微网格), inside a level-2 grid; often one compound or a few buildings.' },
  },
});

export const Gender = mirror(gender.enumValues);
export type Gender = keyof typeof Gender;
registerEnumType(Gender, {
  name: 'Gender',
  description: 'Gender as recorded on the resident ID card.',
  valuesConfig: { MALE: { description: 'Male (男).' }, FEMALE: { description: 'Female (女).' } },
});

export const Registration = mirror(registration.enumValues);
export type Registration = keyof typeof Registration;
registerEnumType(Registration, {
  name: 'Registration',
  description: 'Household registration status of a resident (户籍/流动人口).',
  valuesConfig: {
    REGISTERED: { description: 'Registered population (户籍人口): hukou in this place.' },
    FLOATING: { description: 'Floating population (流动人口): lives here, hukou elsewhere.' },
  },
});

export const ResidentTag = mirror(residentTag.enumValues);
export type ResidentTag = keyof typeof ResidentTag;
registerEnumType(ResidentTag, {
  name: 'ResidentTag',
  description: 'Tags that drive visits and services.',
  valuesConfig: {
    PARTY_MEMBER: { description: 'Party member (党员).' },
    VETERAN: { description: 'Veteran (退役军人).' },
    ELDERLY_LIVING_ALONE: { description: 'Elderly person living alone (空巢/独居老人): visited every month.' },
    DISABLED: { description: 'Person with a disability (残疾人): visited every month.' },
    LEFT_BEHIND_CHILD: { description: 'Left-behind child (留守儿童): visited every month.' },
    FAMILY_IN_DIFFICULTY: { description: 'Family in difficulty (困难群众): visited every month.' },
  },
});

export const StaffRole = mirror(staffRole.enumValues);
export type StaffRole = keyof typeof StaffRole;
registerEnumType(StaffRole, {
  name: 'StaffRole',
  description: 'Role of a person in a grid (网格力量), including the "one grid, five members" (一格五员).',
  valuesConfig: {
    GRID_LEADER: { description: 'Grid leader (网格长).' },
    GRID_WORKER: { description: 'Full-time grid worker (专职网格员).' },
    MICRO_GRID_WORKER: { description: 'Micro-grid worker (微网格员): one of the five members; visits at least 10 households a month.' },
    BUILDING_HEAD: { description: 'Building head (楼栋长), for one building.' },
    LANE_HEAD: { description: 'Lane head (巷长).' },
    GRID_INSTRUCTOR: { description: 'Grid instructor (网格指导员), a street cadre.' },
    GRID_POLICE_OFFICER: { description: 'Grid police officer (网格警务员), one of the five members.' },
    GRID_FAMILY_DOCTOR: { description: 'Grid family doctor (网格家庭医生), one of the five members.' },
    GRID_SUPERVISOR: { description: 'Grid supervisor (网格监督员), one of the five members.' },
    GRID_ASSISTANT: { description: 'Grid assistant (网格协管员), one of the five members.' },
  },
});

@ObjectType({ implements: Node, description: 'A district or county (区/县).', simpleResolvers: true })
export class District extends Node {
  @Field(() => String, { description: 'Administrative division code, 6 digits.' })
  code!: string;

  @Field(() => String, { description: 'Name of the district or county, e.g. "滨城区".' })
  name!: string;
}

@ObjectType({ implements: Node, description: 'A street or town (街道/乡镇).', simpleResolvers: true })
export class Street extends Node {
  @Field(() => String, { description: 'District code followed by a 3-digit sequence.' })
  code!: string;

  @Field(() => String, { description: 'Name of the street or town, e.g. "市中街道".' })
  name!: string;

  districtId!: number;
}

@ObjectType({ implements: Node, description: 'A community or village (社区/村).', simpleResolvers: true })
export class Community extends Node {
  @Field(() => String, { description: 'Street code followed by a 3-digit sequence.' })
  code!: string;

  @Field(() => String, { description: 'Name of the community or village, e.g. "黄河社区".' })
  name!: string;

  districtId!: number;
  streetId!: number;
}

@ObjectType({ implements: Node, description: 'A grid (网格): the unit every department works in (多网合一). Its boundary and staff are public.', simpleResolvers: true })
export class Grid extends Node {
  @Field(() => String, { description: 'Unified code (统一编号): the community code followed by `-NN` per level, unique city-wide.' })
  code!: string;

  @Field(() => String, { description: 'Name of the grid, e.g. "黄河社区第一网格".' })
  name!: string;

  @Field(() => GridLevel, { description: 'Level in the three-level net: level-1 (一级网格), level-2 (二级网格) or micro grid (微网格).' })
  level!: GridLevel;

  @Field(() => GeoJSON, { description: 'Boundary on the map: a GeoJSON Polygon, WGS-84.' })
  boundary!: unknown;

  districtId!: number;
  streetId!: number;
  communityId!: number;
  parentGridId!: number | null;
}

@ObjectType({ implements: Node, description: 'A building (楼栋) in a grid.', simpleResolvers: true })
export class Building extends Node {
  @Field(() => String, { description: 'Name on the door, e.g. "3号楼".' })
  name!: string;

  @Field(() => String, { description: 'Full postal address.' })
  address!: string;

  @Field(() => Int, { nullable: true, description: 'Number of floors above ground.' })
  floors!: number | null;

  gridId!: number;
  communityId!: number;
}

@ObjectType({ implements: Node, description: 'A household (户): a dwelling in a building. "Manage people through houses" (以房管人).', simpleResolvers: true })
export class Household extends Node {
  @Field(() => String, { description: 'Unit and room within the building, e.g. "2单元501".' })
  room!: string;

  @Field(() => String, { description: 'Full address: the building address and the room.' })
  address!: string;

  @Field(() => Decimal, { description: 'Floor area in m² (专有部分面积), the weight of this household in owners\' votes.' })
  floorArea!: string;

  buildingId!: number;
  gridId!: number;
}

@ObjectType({ implements: Node, description: 'A resident (居民) of a household. ID card number and phone are masked; `personalData` reveals them to roles that need them, and logs the read.', simpleResolvers: true })
export class Resident extends Node {
  @Field(() => String, { description: 'Full name (姓名) of the resident.' })
  name!: string;

  @Field(() => String, { description: 'ID card number (身份证号), masked: `110***********1234`.' })
  idCardNumber!: string;

  @Field(() => String, { nullable: true, description: 'Mobile number, masked: `138****5678`.' })
  phone!: string | null;

  @Field(() => Gender, { description: 'Gender (性别), as given by the ID card number.' })
  gender!: Gender;

  @Field(() => DateScalar, { description: 'Date of birth (出生日期), as given by the ID card number.' })
  birthDate!: string;

  @Field(() => Registration, { description: 'Registered (户籍) or floating (流动人口) population.' })
  registration!: Registration;

  @Field(() => [ResidentTag], { description: 'Tags such as party member (党员) or elderly living alone (空巢老人) that drive visits and services.' })
  tags!: ResidentTag[];

  @Field(() => Boolean, { description: 'Head of the household (户主).' })
  householder!: boolean;

  householdId!: number;
}

@ObjectType({ description: 'A resident\'s whole personal data. Every read is written to the access log with its reason.', simpleResolvers: true })
export class ResidentPersonalData {
  @Field(() => String, { description: 'Whole ID card number (身份证号).' })
  idCardNumber!: string;

  @Field(() => String, { nullable: true, description: 'Whole mobile number.' })
  phone!: string | null;
}

@ObjectType({ implements: Node, description: 'A person serving in grids. Name and phone are public (公开亮身份).', simpleResolvers: true })
export class StaffMember extends Node {
  @Field(() => String, { description: 'Full name, shown on the public board (公开亮身份).' })
  name!: string;

  @Field(() => String, { description: 'Public work phone: a published work number (公开亮身份), not personal data, so shown whole.' })
  phone!: string;
}

@ObjectType({ implements: Node, description: 'One role of one person in one grid: the public contact card on the grid\'s board.', simpleResolvers: true })
export class StaffAssignment extends Node {
  @Field(() => StaffRole, { description: 'Role in the grid, e.g. grid leader (网格长) or micro-grid worker (微网格员).' })
  role!: StaffRole;

  @Field(() => DateScalar, { description: 'First day of service in this role.' })
  startedOn!: string;

  @Field(() => DateScalar, { nullable: true, description: 'Last day of service; null while serving.' })
  endedOn!: string | null;

  @Field(() => DateTime, { description: 'When the assignment was recorded.' })
  createdAt!: Date;

  staffMemberId!: number;
  gridId!: number;
  buildingId!: number | null;
}

@ObjectType({ description: 'Residents with one tag.', simpleResolvers: true })
export class TagCount {
  @Field(() => ResidentTag, { description: 'The tag counted, e.g. elderly living alone (空巢老人).' })
  tag!: ResidentTag;

  @Field(() => Int, { description: 'Number of residents carrying the tag.' })
  count!: number;
}

@ObjectType({ description: 'Counts for a street, community or grid (with its sub-grids), computed by the database.', simpleResolvers: true })
export class UnitStats {
  @Field(() => Int, { description: 'Households (户) recorded in the unit.' })
  households!: number;

  @Field(() => Int, { description: 'Residents (居民) recorded in the unit, registered and floating together.' })
  residents!: number;

  @Field(() => Int, { description: 'Registered population (户籍人口).' })
  registeredResidents!: number;

  @Field(() => Int, { description: 'Floating population (流动人口).' })
  floatingResidents!: number;

  @Field(() => [TagCount], { description: 'Residents per tag; every tag is listed, zero included.' })
  tagCounts!: TagCount[];

  @Field(() => Int, { description: 'People serving in the unit\'s grids now.' })
  staff!: number;
}

export const DistrictConnection = Connection(District, 'District', 'A page of districts.');
export const StreetConnection = Connection(Street, 'Street', 'A page of streets.');
export const CommunityConnection = Connection(Community, 'Community', 'A page of communities.');
export const GridConnection = Connection(Grid, 'Grid', 'A page of grids.');
export const BuildingConnection = Connection(Building, 'Building', 'A page of buildings.');
export const HouseholdConnection = Connection(Household, 'Household', 'A page of households.');
export const ResidentConnection = Connection(Resident, 'Resident', 'A page of residents.');
export const StaffAssignmentConnection = Connection(StaffAssignment, 'StaffAssignment', 'A page of staff assignments.');

export const StreetPayload = Payload(Street, 'street', 'Street');
export const CommunityPayload = Payload(Community, 'community', 'Community');
export const GridPayload = Payload(Grid, 'grid', 'Grid');
export const BuildingPayload = Payload(Building, 'building', 'Building');
export const HouseholdPayload = Payload(Household, 'household', 'Household');
export const ResidentPayload = Payload(Resident, 'resident', 'Resident');
export const StaffAssignmentPayload = Payload(StaffAssignment, 'staffAssignment', 'StaffAssignment');
