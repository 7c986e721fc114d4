import {
  getNamedType, GraphQLError, isObjectType, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema,
} from 'graphql';
import { forbidden, unauthenticated } from '../graphql/errors';
import { APPRAISAL_ACCESS } from '../modules/appraisal/appraisal.rules';
import { ACTORS } from '../modules/incident/incident.machine';
import { MATTER_STEPS, PROPOSERS } from '../modules/property/matter.machine';
import { BALLOT_READERS, VOTE_ACTORS, VOTE_READERS } from '../modules/property/vote.tally';
import { DUTY_READERS, VISIT_LOGGERS, VISIT_READERS } from '../modules/visit/visit.scope';
import { IMPORTERS } from '../modules/import/import.service';
import { BANK_ACCESS, BANK_READERS } from '../modules/volunteer/volunteer.rules';
import { ACTORS as WISH_ACTORS, NEARBY_READERS as WISH_NEARBY_READERS, READERS as WISH_READERS } from '../modules/wish/wish.machine';
import { API_KEY_MANAGERS } from '../modules/integrator/integrator.rules';
import { WEBHOOK_USERS } from '../modules/webhook/webhook.rules';
import { Role } from './roles';
import { ApiKeyTopic } from './topics';
import type { Viewer } from './viewer';

/** Who may use a field: everyone, any signed-in role, or the roles listed. */
export type Rule = 'PUBLIC' | readonly Role[];

/**
 * Every role a person holds. Spelled out, so that a role that is not a person's (an
 * integrator's key, an auditor who only reads the logs) or a new one gets no row by accident.
 */
const PEOPLE = [
  Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER, Role.RESIDENT, Role.DEPARTMENT_HANDLER,
  Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY, Role.PARTY_MEMBER, Role.VOLUNTEER, Role.MERCHANT,
] as const;
const STAFF = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER] as const;
/**
 * Incidents: those who deal with them (staff, the reporting resident, the department dispatched to),
 * and integrators whose key has the INCIDENTS topic. A committee, company, member, volunteer or
 * merchant neither reports nor handles one.
 */
const INCIDENT_READERS = [...STAFF, Role.RESIDENT, Role.DEPARTMENT_HANDLER, Role.INTEGRATOR] as const;
/** Roles whose token names a unit of the hierarchy: they may read its buildings, households, residents. */
const UNIT_ROLES = [...STAFF, Role.RESIDENT] as const;
const ADMIN = [Role.CITY_ADMIN] as const;
const STREET_UP = [Role.CITY_ADMIN, Role.STREET_OFFICER] as const;
const COMMUNITY_UP = [Role.CITY_ADMIN, Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY] as const;
/** Roles that work with residents face to face and may reveal whole ID numbers and phones, and free text whole. */
const PERSONAL_DATA = [Role.STREET_OFFICER, Role.COMMUNITY_SECRETARY, Role.GRID_WORKER] as const;
/** Auditors (审计/纪检) read the audit and access logs, and nothing else. */
const AUDITORS = [Role.AUDITOR] as const;
/** Roles that may read a compound's sunshine ledger and disclosures (rows: property.scope's compoundScope). */
const PROPERTY_MONEY = [...STAFF, Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY] as const;
/** What an owners' disclosure board shows (plans, published months, disclosures): PROPERTY_MONEY and integrators with DISCLOSURES. */
const DISCLOSURE_BOARD = [...PROPERTY_MONEY, Role.INTEGRATOR] as const;
/** Micro-wishes: their readers, and integrators with WISHES. */
const WISH_BOARD = [...WISH_READERS, Role.INTEGRATOR] as const;
/** Roles that keep party records: staff over their area, a party member their own (rows: party.scope). */
const PARTY_RECORDS = [...STAFF, Role.PARTY_MEMBER] as const;

/**
 * Every root field of the schema: who may call it. Row scope (which rows) is applied
 * by the services and loaders; this table says who may ask at all. A root field missing
 * here is refused (and a test fails).
 */
export const ROOT_FIELDS: Record<string, Rule> = {
  'Query.node': 'PUBLIC',
  'Query.nodes': 'PUBLIC',
  'Query.districts': 'PUBLIC',
  'Query.streets': 'PUBLIC',
  'Query.communities': 'PUBLIC',
  'Query.grids': 'PUBLIC',
  'Query.gridAt': 'PUBLIC',
  'Query.gridByCode': 'PUBLIC',
  'Query.staffAssignments': 'PUBLIC',
  'Query.buildings': [...UNIT_ROLES, Role.PARTY_MEMBER],
  'Query.households': UNIT_ROLES,
  'Query.residents': UNIT_ROLES,
  'Query.incidents': INCIDENT_READERS,
  'Query.incidentStats': [...STAFF, Role.DEPARTMENT_HANDLER],
  'Query.departments': 'PUBLIC',
  'Query.responsibilities': 'PUBLIC',
  'Subscription.incidentEvents': INCIDENT_READERS,
  'Mutation.incidentReport': ACTORS.REPORT,
  'Mutation.incidentAccept': ACTORS.ACCEPT,
  'Mutation.incidentExplain': ACTORS.EXPLAIN,
  'Mutation.incidentDispatch': ACTORS.DISPATCH,
  'Mutation.incidentStart': ACTORS.START,
  'Mutation.incidentEscalate': ACTORS.ESCALATE,
  'Mutation.incidentFeedback': ACTORS.FEEDBACK,
  'Mutation.incidentClose': ACTORS.CLOSE,
  'Mutation.incidentReopen': ACTORS.REOPEN,
  'Mutation.responsibilitySet': ADMIN,
  'Mutation.departmentCreate': ADMIN,
  'Query.compounds': 'PUBLIC',
  'Query.partyOrganisations': 'PUBLIC',
  'Query.partyMembers': 'PUBLIC',
  'Query.reportingUnits': 'PUBLIC',
  'Query.reportIns': PARTY_RECORDS,
  'Query.communityListItems': 'PUBLIC',
  'Query.commitments': 'PUBLIC',
  'Mutation.reportingUnitCreate': STREET_UP,
  'Mutation.partyMemberRegister': COMMUNITY_UP,
  'Mutation.partyMemberUpdate': PARTY_RECORDS,
  'Mutation.reportInRegister': [...COMMUNITY_UP, Role.PARTY_MEMBER],
  'Mutation.reportInWithdraw': [...COMMUNITY_UP, Role.PARTY_MEMBER],
  'Mutation.communityListItemAdd': COMMUNITY_UP,
  'Mutation.communityListItemClose': COMMUNITY_UP,
  'Mutation.participationRecord': [Role.COMMUNITY_SECRETARY, Role.GRID_WORKER],
  'Mutation.commitmentHang': PARTY_RECORDS,
  'Mutation.commitmentWithdraw': PARTY_RECORDS,
  'Mutation.commitmentRate': [Role.RESIDENT],
  'Query.propertyCompanies': 'PUBLIC',
  'Mutation.compoundCreate': COMMUNITY_UP,
  'Mutation.propertyCompanyCreate': STREET_UP,
  'Mutation.propertyContractCreate': [...COMMUNITY_UP, Role.OWNERS_COMMITTEE],
  'Mutation.ownersCommitteeRecord': COMMUNITY_UP,
  'Mutation.serviceAppraisalScore': [Role.OWNERS_COMMITTEE, Role.COMMUNITY_SECRETARY],
  'Mutation.serviceAppraisalResidentScore': [Role.RESIDENT],
  'Mutation.serviceAppraisalWeightsSet': [Role.COMMUNITY_SECRETARY],
  'Query.majorMatters': [...STAFF, Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY],
  'Mutation.majorMatterPropose': PROPOSERS,
  'Mutation.majorMatterReview': MATTER_STEPS.REVIEW.actors,
  'Mutation.majorMatterApprove': MATTER_STEPS.APPROVE.actors,
  'Mutation.majorMatterOpenVote': MATTER_STEPS.OPEN_VOTE.actors,
  'Mutation.majorMatterExecute': MATTER_STEPS.EXECUTE.actors,
  'Mutation.majorMatterReject': MATTER_STEPS.REJECT.actors,
  'Query.ownerVotes': VOTE_READERS,
  'Mutation.ownerVoteOpen': VOTE_ACTORS.OPEN,
  'Mutation.ballotCast': VOTE_ACTORS.CAST,
  'Mutation.ownerVoteClose': VOTE_ACTORS.CLOSE,
  'Query.annualPlans': DISCLOSURE_BOARD,
  'Query.annualPlan': DISCLOSURE_BOARD,
  'Query.ledgerMonths': DISCLOSURE_BOARD,
  'Query.ledgerMonth': DISCLOSURE_BOARD,
  'Query.disclosures': DISCLOSURE_BOARD,
  'Query.disclosureChainVerify': DISCLOSURE_BOARD,
  'Subscription.disclosurePublished': DISCLOSURE_BOARD,
  'Mutation.annualPlanSet': [Role.OWNERS_COMMITTEE],
  'Mutation.ledgerMonthSubmit': [Role.PROPERTY_COMPANY],
  'Mutation.disclosurePublish': [Role.OWNERS_COMMITTEE],
  'Mutation.disclosureCorrect': [Role.OWNERS_COMMITTEE],
  'Query.viewer': 'PUBLIC',
  'Query.auditEntries': AUDITORS,
  'Query.personalDataReads': AUDITORS,
  'Query.apiKeys': API_KEY_MANAGERS,
  'Mutation.apiKeyCreate': API_KEY_MANAGERS,
  'Mutation.apiKeyRevoke': API_KEY_MANAGERS,
  'Query.webhookEndpoints': WEBHOOK_USERS,
  'Query.webhookDeliveries': WEBHOOK_USERS,
  'Mutation.webhookEndpointCreate': WEBHOOK_USERS,
  'Mutation.webhookEndpointUpdate': WEBHOOK_USERS,
  'Mutation.webhookEndpointDisable': WEBHOOK_USERS,
  'Mutation.webhookEndpointEnable': WEBHOOK_USERS,
  'Mutation.webhookEndpointRotateSecret': WEBHOOK_USERS,
  'Mutation.webhookEndpointDelete': WEBHOOK_USERS,
  'Mutation.webhookDeliveryReplay': WEBHOOK_USERS,
  'Mutation.streetCreate': ADMIN,
  'Mutation.streetUpdate': STREET_UP,
  'Mutation.communityCreate': STREET_UP,
  'Mutation.communityUpdate': COMMUNITY_UP,
  'Mutation.gridCreate': COMMUNITY_UP,
  'Mutation.gridUpdate': COMMUNITY_UP,
  'Mutation.buildingCreate': STAFF,
  'Mutation.buildingUpdate': STAFF,
  'Mutation.householdCreate': STAFF,
  'Mutation.householdUpdate': STAFF,
  'Mutation.residentCreate': STAFF,
  'Mutation.residentUpdate': STAFF,
  'Mutation.staffAssignmentCreate': COMMUNITY_UP,
  'Mutation.staffAssignmentUpdate': COMMUNITY_UP,
  'Query.volunteers': BANK_ACCESS.readVolunteers,
  'Query.volunteerTeams': 'PUBLIC',
  'Query.volunteerActivities': 'PUBLIC',
  'Query.merchants': 'PUBLIC',
  'Query.pointRates': 'PUBLIC',
  'Query.volunteerLeaderboard': 'PUBLIC',
  'Query.ledgerVerify': BANK_ACCESS.verifyLedger,
  'Mutation.volunteerRegister': BANK_ACCESS.registerVolunteer,
  'Mutation.volunteerTeamCreate': BANK_ACCESS.manageTeams,
  'Mutation.volunteerTeamJoin': BANK_ACCESS.joinTeam,
  'Mutation.volunteerTeamLeaderSet': BANK_ACCESS.manageTeams,
  'Mutation.volunteerActivityCreate': BANK_ACCESS.organise,
  'Mutation.volunteerActivityCancel': BANK_ACCESS.organise,
  'Mutation.activitySignUp': BANK_ACCESS.signUp,
  'Mutation.activitySignUpCancel': BANK_ACCESS.cancelSignup,
  'Mutation.attendanceConfirm': BANK_ACCESS.organise,
  'Mutation.pointRatePublish': BANK_ACCESS.publishRate,
  'Mutation.merchantCreate': BANK_ACCESS.createMerchant,
  'Mutation.merchantItemCreate': BANK_ACCESS.manageItems,
  'Mutation.merchantItemUpdate': BANK_ACCESS.manageItems,
  'Mutation.redemptionCreate': BANK_ACCESS.redeem,
  'Mutation.ledgerReverse': BANK_ACCESS.reverse,
  'Query.wishes': WISH_BOARD,
  'Query.openWishesNear': WISH_NEARBY_READERS,
  'Subscription.wishEvents': WISH_BOARD,
  'Mutation.wishSubmit': WISH_ACTORS.SUBMIT,
  'Mutation.wishPublish': WISH_ACTORS.PUBLISH,
  'Mutation.wishDecline': WISH_ACTORS.DECLINE,
  'Mutation.wishClaim': WISH_ACTORS.CLAIM,
  'Mutation.wishFulfil': WISH_ACTORS.FULFIL,
  'Mutation.wishConfirm': WISH_ACTORS.CONFIRM,
  'Mutation.wishDispute': WISH_ACTORS.DISPUTE,
  'Query.ledgerImports': IMPORTERS,
  'Query.visits': VISIT_READERS,
  'Query.visitDuties': DUTY_READERS,
  'Query.visitDutyRules': DUTY_READERS,
  'Mutation.visitLog': VISIT_LOGGERS,
  'Mutation.visitFindingReport': VISIT_LOGGERS,
  'Mutation.visitDutyRulesSet': ADMIN,
  'Query.streetDashboard': STREET_UP,
  'Query.workerAppraisals': APPRAISAL_ACCESS.readAppraisals,
  'Query.workerAppraisalRules': APPRAISAL_ACCESS.readRules,
  'Query.communityStarRules': APPRAISAL_ACCESS.readRules,
  'Query.communityStarRatings': 'PUBLIC',
  'Mutation.workerAppraisalRulesSet': APPRAISAL_ACCESS.setRules,
  'Mutation.communityStarRulesSet': APPRAISAL_ACCESS.setRules,
  'Mutation.dailyPointRecord': APPRAISAL_ACCESS.recordPoints,
  'Mutation.workerRate': APPRAISAL_ACCESS.rate,
  'Mutation.communityPeerReviewSubmit': APPRAISAL_ACCESS.peerReview,
  'Mutation.communityStarRatingPublish': APPRAISAL_ACCESS.publishStars,
};

/** Types whose every field needs one of these roles, wherever they appear (their lists and edges too). */
export const PROTECTED_TYPES: Record<string, Rule> = {
  ApiKey: API_KEY_MANAGERS,
  WebhookEndpoint: WEBHOOK_USERS,
  WebhookDelivery: WEBHOOK_USERS,
  WebhookAttempt: WEBHOOK_USERS,
  Building: [...UNIT_ROLES, Role.PARTY_MEMBER],
  Household: UNIT_ROLES,
  Resident: UNIT_ROLES,
  Incident: INCIDENT_READERS,
  IncidentTransition: INCIDENT_READERS,
  IncidentEvent: INCIDENT_READERS,
  IncidentStats: [...STAFF, Role.DEPARTMENT_HANDLER],
  MajorMatter: [...STAFF, Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY],
  MajorMatterTransition: [...STAFF, Role.RESIDENT, Role.OWNERS_COMMITTEE, Role.PROPERTY_COMPANY],
  AnnualPlan: DISCLOSURE_BOARD,
  PlanItem: DISCLOSURE_BOARD,
  LedgerMonth: DISCLOSURE_BOARD,
  Disclosure: DISCLOSURE_BOARD,
  DisclosureEvent: DISCLOSURE_BOARD,
  DisclosureChainVerification: DISCLOSURE_BOARD,
  UnitStats: STAFF,
  ResidentPersonalData: PERSONAL_DATA,
  PartyMemberPersonalData: PERSONAL_DATA,
  ReportingUnitPersonalData: PERSONAL_DATA,
  AuditEntry: AUDITORS,
  PersonalDataRead: AUDITORS,
  OwnerVote: VOTE_READERS,
  VoteCandidate: VOTE_READERS,
  Ballot: BALLOT_READERS,
  Volunteer: BANK_READERS.volunteer,
  ActivitySignup: BANK_READERS.signup,
  Redemption: BANK_READERS.books,
  LedgerMovement: BANK_READERS.books,
  LedgerEntry: BANK_READERS.books,
  LedgerVerification: BANK_READERS.verification,
  LedgerImbalance: BANK_READERS.verification,
  Wish: WISH_BOARD,
  WishTransition: WISH_BOARD,
  WishEvent: WISH_BOARD,
  ReportIn: PARTY_RECORDS,
  Participation: PARTY_RECORDS,
  LedgerImport: IMPORTERS,
  LedgerImportProblem: IMPORTERS,
  HouseholdVisit: VISIT_READERS,
  VisitFinding: VISIT_READERS,
  VisitDuties: DUTY_READERS,
  WorkerDuty: DUTY_READERS,
  HouseholdVisitDuty: DUTY_READERS,
  VisitDutyRules: DUTY_READERS,
  WorkerAppraisal: APPRAISAL_ACCESS.readAppraisals,
  WorkerAppraisalRules: APPRAISAL_ACCESS.readRules,
  CommunityStarRules: APPRAISAL_ACCESS.readRules,
  WorkerPointEntry: APPRAISAL_ACCESS.readAppraisals,
  WorkerRating: APPRAISAL_ACCESS.readRatings,
  CommunityPeerReview: APPRAISAL_ACCESS.readPeerReviews,
};

/** Sensitive fields of otherwise readable types. */
export const PROTECTED_FIELDS: Record<string, Rule> = {
  'Street.stats': STAFF,
  'Community.stats': STAFF,
  'Grid.stats': STAFF,
  'Resident.personalData': PERSONAL_DATA,
  'PartyMember.personalData': PERSONAL_DATA,
  'ReportingUnit.personalData': PERSONAL_DATA,
  'Incident.personalData': PERSONAL_DATA,
  'Wish.personalData': PERSONAL_DATA,
  'HouseholdVisit.personalData': PERSONAL_DATA,
  'ReportingUnit.contactName': STAFF,
  'ReportingUnit.contactPhone': STAFF,
  // Who reported and where a household wants help stay with people: an integrator's screen shows the matter, not the person.
  'Incident.reporter': PEOPLE,
  'Wish.submitter': WISH_READERS,
  'Wish.place': WISH_READERS,
};

/** `Type.field` of every field of the schema's Query, Mutation and Subscription types. */
export function rootFieldsOf(schema: GraphQLSchema): string[] {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
    .flatMap((type) => (type ? Object.keys(type.getFields()).map((name) => `${type.name}.${name}`) : []));
}

/**
 * Throws unless the schema's root fields and the rows of ROOT_FIELDS are the same set:
 * a field without a row would be refused to everyone, a row without a field is a stale rule.
 * Run where the schema is built, so neither the server nor `npm run schema` starts with a gap.
 */
export function assertAccessTableCovers(schema: GraphQLSchema): void {
  const fields = rootFieldsOf(schema);
  const missing = fields.filter((field) => !(field in ROOT_FIELDS));
  const stale = Object.keys(ROOT_FIELDS).filter((row) => !fields.includes(row));
  if (missing.length === 0 && stale.length === 0) return;
  const problems = [
    ...(missing.length > 0 ? [`root fields in no row of ROOT_FIELDS (src/auth/access.ts): ${missing.join(', ')}`] : []),
    ...(stale.length > 0 ? [`rows of ROOT_FIELDS naming no field of the schema: ${stale.join(', ')}`] : []),
  ];
  throw new Error(`The access table does not match the schema: ${problems.join('; ')}.`);
}

/**
 * What belongs to each topic of an integrator's key: root fields (`Type.field`) and types
 * (their lists and edges too). An integrator whose key lacks the topic is refused them,
 * even where its role would pass; people have every topic.
 */
export const TOPICS: Record<string, ApiKeyTopic> = {
  'Query.incidents': ApiKeyTopic.INCIDENTS,
  'Subscription.incidentEvents': ApiKeyTopic.INCIDENTS,
  Incident: ApiKeyTopic.INCIDENTS,
  IncidentTransition: ApiKeyTopic.INCIDENTS,
  IncidentEvent: ApiKeyTopic.INCIDENTS,
  'Query.annualPlans': ApiKeyTopic.DISCLOSURES,
  'Query.annualPlan': ApiKeyTopic.DISCLOSURES,
  'Query.ledgerMonths': ApiKeyTopic.DISCLOSURES,
  'Query.ledgerMonth': ApiKeyTopic.DISCLOSURES,
  'Query.disclosures': ApiKeyTopic.DISCLOSURES,
  'Query.disclosureChainVerify': ApiKeyTopic.DISCLOSURES,
  'Subscription.disclosurePublished': ApiKeyTopic.DISCLOSURES,
  AnnualPlan: ApiKeyTopic.DISCLOSURES,
  PlanItem: ApiKeyTopic.DISCLOSURES,
  LedgerMonth: ApiKeyTopic.DISCLOSURES,
  Disclosure: ApiKeyTopic.DISCLOSURES,
  DisclosureEvent: ApiKeyTopic.DISCLOSURES,
  DisclosureChainVerification: ApiKeyTopic.DISCLOSURES,
  'Query.wishes': ApiKeyTopic.WISHES,
  'Subscription.wishEvents': ApiKeyTopic.WISHES,
  Wish: ApiKeyTopic.WISHES,
  WishTransition: ApiKeyTopic.WISHES,
  WishEvent: ApiKeyTopic.WISHES,
};

function baseType(typeName: string): string {
  return typeName.replace(/(Connection|Edge)$/, '');
}

function typeRule(typeName: string): Rule | undefined {
  return PROTECTED_TYPES[baseType(typeName)];
}

/** Whether the viewer may read what belongs to a topic: people always, an integrator when its key names it. */
export function hasTopic(viewer: Viewer, topic: ApiKeyTopic | undefined): boolean {
  return topic === undefined || viewer.topics === undefined || viewer.topics === null || viewer.topics.includes(topic);
}

function topicRefusal(coordinate: string, topic: ApiKeyTopic): GraphQLError {
  return forbidden(`${coordinate} belongs to the ${topic} topic, which this API key does not have.`);
}

/**
 * Whether the viewer may read objects of a type at all: its role passes the type's rule and,
 * for an API key, the key has the type's topic. `node(id:)` answers null otherwise, as for an
 * ID that does not exist, so that a bare `node(id:) { id }` tells nobody what exists.
 */
export function mayReadType(viewer: Viewer, typeName: string): boolean {
  const rule = PROTECTED_TYPES[typeName];
  return (rule === undefined || allows(rule, viewer)) && hasTopic(viewer, TOPICS[typeName]);
}

/** Whether the viewer's role passes the rule. */
export function allows(rule: Rule, viewer: Viewer): boolean {
  return rule === 'PUBLIC' || (viewer.role !== null && rule.includes(viewer.role));
}

function refusal(viewer: Viewer, coordinate: string): GraphQLError {
  return viewer.role === null
    ? unauthenticated(`${coordinate} needs a token.`)
    : forbidden(`A ${viewer.role} may not use ${coordinate}.`);
}

/**
 * The one access check: walks the whole operation before anything runs, over HTTP and
 * WebSocket alike, and returns the first refusal. Fragments are walked too.
 */
export function checkAccess(schema: GraphQLSchema, document: DocumentNode, viewer: Viewer): GraphQLError | null {
  const typeInfo = new TypeInfo(schema);
  const rootTypes = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
  let refused: GraphQLError | null = null;
  visit(document, visitWithTypeInfo(typeInfo, {
    Field(node) {
      if (refused) return false;
      const parent = typeInfo.getParentType();
      const fieldName = node.name.value;
      if (!parent || fieldName.startsWith('__')) return undefined;
      const coordinate = `${parent.name}.${fieldName}`;
      if (rootTypes.has(parent.name)) {
        const rule = ROOT_FIELDS[coordinate];
        if (!rule) {
          refused = forbidden(`${coordinate} is in no row of the access table.`);
        } else if (!allows(rule, viewer)) {
          refused = refusal(viewer, coordinate);
        } else if (!hasTopic(viewer, TOPICS[coordinate])) {
          refused = topicRefusal(coordinate, TOPICS[coordinate]);
        }
        return undefined;
      }
      const rules = [PROTECTED_FIELDS[coordinate], isObjectType(parent) ? typeRule(parent.name) : undefined];
      const fieldType = typeInfo.getType();
      if (fieldType) rules.push(typeRule(getNamedType(fieldType).name));
      const broken = rules.find((rule) => rule !== undefined && !allows(rule, viewer));
      if (broken) {
        refused = refusal(viewer, coordinate);
        return undefined;
      }
      const topics = [TOPICS[baseType(parent.name)], fieldType ? TOPICS[baseType(getNamedType(fieldType).name)] : undefined];
      const missing = topics.find((topic) => !hasTopic(viewer, topic));
      if (missing) refused = topicRefusal(coordinate, missing);
      return undefined;
    },
  }));
  return refused;
}
