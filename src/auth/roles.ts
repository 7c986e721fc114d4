import { registerEnumType } from 'type-graphql';

/** Roles a token may carry; later domains add theirs here. */
export enum Role {
  CITY_ADMIN = 'CITY_ADMIN',
  STREET_OFFICER = 'STREET_OFFICER',
  COMMUNITY_SECRETARY = 'COMMUNITY_SECRETARY',
  GRID_WORKER = 'GRID_WORKER',
  RESIDENT = 'RESIDENT',
  DEPARTMENT_HANDLER = 'DEPARTMENT_HANDLER',
  OWNERS_COMMITTEE = 'OWNERS_COMMITTEE',
  PROPERTY_COMPANY = 'PROPERTY_COMPANY',
  PARTY_MEMBER = 'PARTY_MEMBER',
  VOLUNTEER = 'VOLUNTEER',
  MERCHANT = 'MERCHANT',
  INTEGRATOR = 'INTEGRATOR',
  AUDITOR = 'AUDITOR',
}

registerEnumType(Role, {
  name: 'Role',
  description: 'What the holder of a token does in the city; with its unit it decides what the holder may see and change.',
  valuesConfig: {
    CITY_ADMIN: { description: 'City administrator (市级管理员): the whole city, or one district.' },
    STREET_OFFICER: { description: 'Street office staff (街道干部): one street and everything below it.' },
    COMMUNITY_SECRETARY: { description: 'Community party secretary (社区书记): one community.' },
    GRID_WORKER: { description: 'Grid worker (网格员): the households of one grid and its sub-grids.' },
    RESIDENT: { description: 'Resident (居民): their own household, and the incidents they reported.' },
    DEPARTMENT_HANDLER: { description: 'Handler in a functional department (职能部门): the incidents dispatched to it, nothing else.' },
    OWNERS_COMMITTEE: { description: 'Member of an owners\' committee (业委会): its compound\'s governance, money and votes.' },
    PROPERTY_COMPANY: { description: 'Staff of a property service company (物业服务企业): the compounds of its contracts.' },
    PARTY_MEMBER: { description: 'Party member (党员) placed in a grid: claims micro-wishes, hangs commitments, banks service hours.' },
    VOLUNTEER: { description: 'Registered volunteer (志愿者): signs up for activities, claims micro-wishes, redeems points.' },
    MERCHANT: { description: 'Partner merchant of the love bank (联盟商户): its items and the redemptions at its counter.' },
    INTEGRATOR: { description: 'Another system holding an API key (接入方), not a person: reads and subscribes to its key\'s topics within its key\'s unit.' },
    AUDITOR: { description: 'Auditor (审计/纪检): reads the audit log and the personal-data access log, nothing else; city-wide or one district.' },
  },
});

/** Kinds of unit a token's `unit` claim may name; each role takes only some. */
export type UnitType = 'District' | 'Street' | 'Community' | 'Grid' | 'Household' | 'Department' | 'Compound' | 'PropertyCompany'
  | 'PartyMember' | 'Volunteer' | 'Merchant';

export const UNIT_TYPES_OF_ROLE: Record<Role, readonly (UnitType | null)[]> = {
  [Role.CITY_ADMIN]: [null, 'District'],
  [Role.STREET_OFFICER]: ['Street'],
  [Role.COMMUNITY_SECRETARY]: ['Community'],
  [Role.GRID_WORKER]: ['Grid'],
  [Role.RESIDENT]: ['Household'],
  [Role.DEPARTMENT_HANDLER]: ['Department'],
  [Role.OWNERS_COMMITTEE]: ['Compound'],
  [Role.PROPERTY_COMPANY]: ['PropertyCompany'],
  [Role.PARTY_MEMBER]: ['PartyMember'],
  [Role.VOLUNTEER]: ['Volunteer'],
  [Role.MERCHANT]: ['Merchant'],
  [Role.INTEGRATOR]: [null, 'District', 'Street', 'Community', 'Grid'],
  [Role.AUDITOR]: [null, 'District'],
};
