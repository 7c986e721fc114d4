import { Role } from '../../src/auth/roles';
import { ApiKeyTopic } from '../../src/auth/topics';

/**
 * Who may use what, written by hand from README.md (Security: the role table; and the sections
 * of each domain) and DOMAIN.md — never read from src/auth/access.ts, whose table this checks.
 * A row lists the roles that may use a root field, a sensitive field or a protected type;
 * `PUBLIC` is everyone, a caller without a token included. An integrator (an API key) gets a
 * row only through `INTEGRATOR`, or through one topic of its key (`onTopic`).
 */
export type Grant = Role | `INTEGRATOR/${ApiKeyTopic}`;
export type Expected = 'PUBLIC' | readonly Grant[];

const onTopic = (topic: ApiKeyTopic): Grant => `INTEGRATOR/${topic}`;

const {
  CITY_ADMIN: CA, STREET_OFFICER: SO, COMMUNITY_SECRETARY: CS, GRID_WORKER: GW, RESIDENT: RE, DEPARTMENT_HANDLER: DH,
  OWNERS_COMMITTEE: OC, PROPERTY_COMPANY: PC, PARTY_MEMBER: PM, VOLUNTEER: VO, MERCHANT: ME, INTEGRATOR: IN, AUDITOR: AU,
} = Role;

/** People: every role but an integrator's key and an auditor, who reads the logs and nothing else. */
const PEOPLE = [CA, SO, CS, GW, RE, DH, OC, PC, PM, VO, ME];
/** The grid staff: the city, the street, the community, the grid. */
const STAFF = [CA, SO, CS, GW];
/** Those who govern a community and above: draw grids, assign staff, keep the community's lists. */
const COMMUNITY_UP = [CA, SO, CS];
const STREET_UP = [CA, SO];
/** Face-to-face work in one's own area: whole ID numbers and phones (not the city administrator). */
const REVEALERS = [SO, CS, GW];
/** A compound's governance: the staff over it, its owners (residents), committee and company. */
const COMPOUND = [...STAFF, RE, OC, PC];
/** The sunshine ledger and disclosures: the compound, and integrators with DISCLOSURES. */
const DISCLOSURE_BOARD = [...COMPOUND, onTopic(ApiKeyTopic.DISCLOSURES)];
/** Incidents: staff, the reporting resident, the department dispatched to, integrators with INCIDENTS. */
const INCIDENT_READERS = [...STAFF, RE, DH, onTopic(ApiKeyTopic.INCIDENTS)];
/** Micro-wishes: staff, the resident's household, party members and volunteers who take orders, integrators with WISHES. */
const WISH_READERS = [...STAFF, RE, PM, VO];
const WISH_BOARD = [...WISH_READERS, onTopic(ApiKeyTopic.WISHES)];
/** An integrator's keys and webhooks: the city, a street officer for the street's keys, and the integrator. */
const KEY_MANAGERS = [CA, SO];
const WEBHOOKS = [...KEY_MANAGERS, IN];
/** The love bank's people: the volunteer or party member themself, staff over them. */
const BANK_PEOPLE = [...STAFF, PM, VO];
/** Its books: the same, and the merchant's counter. */
const BANK_BOOKS = [...BANK_PEOPLE, ME];

export const EXPECTED_ROOT_FIELDS: Record<string, Expected> = {
  // The public map: units, boundaries, staff contact cards, the caller itself.
  'Query.node': 'PUBLIC',
  'Query.nodes': 'PUBLIC',
  'Query.viewer': 'PUBLIC',
  'Query.districts': 'PUBLIC',
  'Query.streets': 'PUBLIC',
  'Query.communities': 'PUBLIC',
  'Query.grids': 'PUBLIC',
  'Query.gridAt': 'PUBLIC',
  'Query.gridByCode': 'PUBLIC',
  'Query.staffAssignments': 'PUBLIC',
  // Households and people: staff in their area, a resident their own household (and its building).
  'Query.buildings': [...STAFF, RE, PM],
  'Query.households': [...STAFF, RE],
  'Query.residents': [...STAFF, RE],
  'Mutation.streetCreate': [CA],
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
  'Query.ledgerImports': COMMUNITY_UP,

  // Incidents: the closed loop. Dispatch follows the city's responsibility list.
  'Query.departments': 'PUBLIC',
  'Query.responsibilities': 'PUBLIC',
  'Query.incidents': INCIDENT_READERS,
  'Subscription.incidentEvents': INCIDENT_READERS,
  'Query.incidentStats': [...STAFF, DH],
  'Mutation.incidentReport': [...STAFF, RE],
  'Mutation.incidentAccept': COMMUNITY_UP,
  'Mutation.incidentExplain': COMMUNITY_UP,
  'Mutation.incidentDispatch': COMMUNITY_UP,
  'Mutation.incidentStart': [DH],
  // The lead department, too, sends to the joint meeting what needs several departments (DOMAIN: from IN_PROGRESS).
  'Mutation.incidentEscalate': [...COMMUNITY_UP, DH],
  'Mutation.incidentFeedback': [DH],
  'Mutation.incidentClose': COMMUNITY_UP,
  // The reporter, or the staff whose return visit (回访) finds the reporter not satisfied.
  'Mutation.incidentReopen': [...COMMUNITY_UP, RE],
  'Mutation.responsibilitySet': [CA],
  'Mutation.departmentCreate': [CA],

  // Party organisations, double report-in, commitments.
  'Query.partyOrganisations': 'PUBLIC',
  'Query.partyMembers': 'PUBLIC',
  'Query.reportingUnits': 'PUBLIC',
  'Query.communityListItems': 'PUBLIC',
  'Query.commitments': 'PUBLIC',
  'Query.reportIns': [...STAFF, PM],
  'Mutation.reportingUnitCreate': STREET_UP,
  'Mutation.partyMemberRegister': COMMUNITY_UP,
  'Mutation.partyMemberUpdate': [...STAFF, PM],
  'Mutation.reportInRegister': [...COMMUNITY_UP, PM],
  'Mutation.reportInWithdraw': [...COMMUNITY_UP, PM],
  'Mutation.communityListItemAdd': COMMUNITY_UP,
  'Mutation.communityListItemClose': COMMUNITY_UP,
  'Mutation.participationRecord': [CS, GW],
  'Mutation.commitmentHang': [...STAFF, PM],
  'Mutation.commitmentWithdraw': [...STAFF, PM],
  'Mutation.commitmentRate': [RE],

  // The property triad: compounds, contracts, appraisal, major matters, owners' votes, the sunshine ledger.
  'Query.compounds': 'PUBLIC',
  'Query.propertyCompanies': 'PUBLIC',
  'Mutation.compoundCreate': COMMUNITY_UP,
  'Mutation.propertyCompanyCreate': STREET_UP,
  'Mutation.propertyContractCreate': [...COMMUNITY_UP, OC],
  'Mutation.ownersCommitteeRecord': COMMUNITY_UP,
  'Mutation.serviceAppraisalScore': [OC, CS],
  'Mutation.serviceAppraisalResidentScore': [RE],
  'Mutation.serviceAppraisalWeightsSet': [CS],
  'Query.majorMatters': COMPOUND,
  // Proposed by the committee (or, for a re-election 换届, the community), reviewed by the grid's
  // service station (网格服务站), approved by the community party organisation; each step may reject.
  'Mutation.majorMatterPropose': [OC, CS],
  'Mutation.majorMatterReview': [GW],
  'Mutation.majorMatterApprove': [CS],
  'Mutation.majorMatterOpenVote': [OC, CS],
  'Mutation.majorMatterExecute': [OC, CS],
  'Mutation.majorMatterReject': [OC, CS, GW],
  'Query.ownerVotes': COMPOUND,
  'Mutation.ownerVoteOpen': [OC, CS],
  'Mutation.ballotCast': [RE],
  'Mutation.ownerVoteClose': [OC, CS],
  'Query.annualPlans': DISCLOSURE_BOARD,
  'Query.annualPlan': DISCLOSURE_BOARD,
  'Query.ledgerMonths': DISCLOSURE_BOARD,
  'Query.ledgerMonth': DISCLOSURE_BOARD,
  'Query.disclosures': DISCLOSURE_BOARD,
  'Query.disclosureChainVerify': DISCLOSURE_BOARD,
  'Subscription.disclosurePublished': DISCLOSURE_BOARD,
  'Mutation.annualPlanSet': [OC],
  'Mutation.ledgerMonthSubmit': [PC],
  'Mutation.disclosurePublish': [OC],
  'Mutation.disclosureCorrect': [OC],

  // Logs, keys and webhooks.
  'Query.auditEntries': [AU],
  'Query.personalDataReads': [AU],
  'Query.apiKeys': KEY_MANAGERS,
  'Mutation.apiKeyCreate': KEY_MANAGERS,
  'Mutation.apiKeyRevoke': KEY_MANAGERS,
  'Query.webhookEndpoints': WEBHOOKS,
  'Query.webhookDeliveries': WEBHOOKS,
  'Mutation.webhookEndpointCreate': WEBHOOKS,
  'Mutation.webhookEndpointUpdate': WEBHOOKS,
  'Mutation.webhookEndpointDisable': WEBHOOKS,
  'Mutation.webhookEndpointEnable': WEBHOOKS,
  'Mutation.webhookEndpointRotateSecret': WEBHOOKS,
  'Mutation.webhookEndpointDelete': WEBHOOKS,
  'Mutation.webhookDeliveryReplay': WEBHOOKS,

  // The volunteer bank: teams and activities are public, the books are not.
  'Query.volunteerTeams': 'PUBLIC',
  'Query.volunteerActivities': 'PUBLIC',
  'Query.merchants': 'PUBLIC',
  'Query.pointRates': 'PUBLIC',
  'Query.volunteerLeaderboard': 'PUBLIC',
  'Query.volunteers': STAFF,
  // Whoever corrects movements (ledgerReverse) finds the unbalanced ones.
  'Query.ledgerVerify': STAFF,
  // The grid's staff register a resident, the community or the street a person from outside; not the city.
  'Mutation.volunteerRegister': [SO, CS, GW],
  'Mutation.volunteerTeamCreate': COMMUNITY_UP,
  // Teams belong to a community: the staff above a team are the community's and above.
  'Mutation.volunteerTeamJoin': [...COMMUNITY_UP, PM, VO],
  'Mutation.volunteerTeamLeaderSet': COMMUNITY_UP,
  'Mutation.volunteerActivityCreate': [...COMMUNITY_UP, PM, VO],
  'Mutation.volunteerActivityCancel': [...COMMUNITY_UP, PM, VO],
  'Mutation.activitySignUp': [PM, VO],
  'Mutation.activitySignUpCancel': [...COMMUNITY_UP, PM, VO],
  'Mutation.attendanceConfirm': [...COMMUNITY_UP, PM, VO],
  'Mutation.pointRatePublish': [CA],
  'Mutation.merchantCreate': STREET_UP,
  'Mutation.merchantItemCreate': [ME],
  'Mutation.merchantItemUpdate': [ME],
  'Mutation.redemptionCreate': [PM, VO],
  'Mutation.ledgerReverse': COMMUNITY_UP,

  // Micro-wishes: residents order, the community places the order, members and volunteers take it.
  'Query.wishes': WISH_BOARD,
  'Subscription.wishEvents': WISH_BOARD,
  'Query.openWishesNear': [...STAFF, PM, VO],
  'Mutation.wishSubmit': [RE, GW],
  'Mutation.wishPublish': COMMUNITY_UP,
  'Mutation.wishDecline': COMMUNITY_UP,
  // A member or volunteer as themself; the community's staff (not the city) for a reporting unit.
  'Mutation.wishClaim': [SO, CS, PM, VO],
  'Mutation.wishFulfil': [SO, CS, PM, VO],
  'Mutation.wishConfirm': [RE],
  'Mutation.wishDispute': [RE],

  // Grid operations: visits, appraisal, star rating, the street's dashboard.
  // A resident reads the visits to their own household.
  'Query.visits': [...STAFF, RE],
  'Query.visitDuties': STAFF,
  'Query.visitDutyRules': STAFF,
  // Grid workers, and community secretaries who visit too (书记走访).
  'Mutation.visitLog': [CS, GW],
  'Mutation.visitFindingReport': [CS, GW],
  'Mutation.visitDutyRulesSet': [CA],
  'Query.streetDashboard': STREET_UP,
  'Query.workerAppraisals': STAFF,
  'Query.workerAppraisalRules': STAFF,
  'Query.communityStarRules': STAFF,
  'Query.communityStarRatings': 'PUBLIC',
  'Mutation.workerAppraisalRulesSet': [CA],
  'Mutation.communityStarRulesSet': [CA],
  // The worker's own street or community records meetings, training and complaints.
  'Mutation.dailyPointRecord': [SO, CS],
  'Mutation.workerRate': [RE],
  'Mutation.communityPeerReviewSubmit': [CS],
  'Mutation.communityStarRatingPublish': STREET_UP,
};

/** Sensitive fields of types everyone may otherwise read. */
export const EXPECTED_SENSITIVE_FIELDS: Record<string, Expected> = {
  'Street.stats': STAFF,
  'Community.stats': STAFF,
  'Grid.stats': STAFF,
  'Resident.personalData': REVEALERS,
  'PartyMember.personalData': REVEALERS,
  'ReportingUnit.personalData': REVEALERS,
  'ReportingUnit.contactName': STAFF,
  'ReportingUnit.contactPhone': STAFF,
  // An integrator's screen shows the matter, not the person who reported it or the household's door.
  'Incident.reporter': PEOPLE,
  'Wish.submitter': WISH_READERS,
  'Wish.place': WISH_READERS,
};

/** Types whose every field needs one of these roles, wherever they appear (their connections and edges too). */
export const EXPECTED_PROTECTED_TYPES: Record<string, Expected> = {
  Building: [...STAFF, RE, PM],
  Household: [...STAFF, RE],
  Resident: [...STAFF, RE],
  UnitStats: STAFF,
  ResidentPersonalData: REVEALERS,
  PartyMemberPersonalData: REVEALERS,
  ReportingUnitPersonalData: REVEALERS,
  Incident: INCIDENT_READERS,
  IncidentTransition: INCIDENT_READERS,
  IncidentEvent: INCIDENT_READERS,
  IncidentStats: [...STAFF, DH],
  ReportIn: [...STAFF, PM],
  Participation: [...STAFF, PM],
  MajorMatter: COMPOUND,
  MajorMatterTransition: COMPOUND,
  OwnerVote: COMPOUND,
  VoteCandidate: COMPOUND,
  // How each household voted: the committee and the community that count and check it, not the company voted on.
  Ballot: [OC, CS],
  AnnualPlan: DISCLOSURE_BOARD,
  PlanItem: DISCLOSURE_BOARD,
  LedgerMonth: DISCLOSURE_BOARD,
  Disclosure: DISCLOSURE_BOARD,
  DisclosureEvent: DISCLOSURE_BOARD,
  DisclosureChainVerification: DISCLOSURE_BOARD,
  AuditEntry: [AU],
  PersonalDataRead: [AU],
  ApiKey: KEY_MANAGERS,
  WebhookEndpoint: WEBHOOKS,
  WebhookDelivery: WEBHOOKS,
  WebhookAttempt: WEBHOOKS,
  Volunteer: BANK_PEOPLE,
  ActivitySignup: BANK_PEOPLE,
  Redemption: BANK_BOOKS,
  LedgerMovement: BANK_BOOKS,
  LedgerEntry: BANK_BOOKS,
  LedgerVerification: STAFF,
  LedgerImbalance: STAFF,
  Wish: WISH_BOARD,
  WishTransition: WISH_BOARD,
  WishEvent: WISH_BOARD,
  LedgerImport: COMMUNITY_UP,
  LedgerImportProblem: COMMUNITY_UP,
  HouseholdVisit: [...STAFF, RE],
  VisitFinding: [...STAFF, RE],
  VisitDuties: STAFF,
  WorkerDuty: STAFF,
  HouseholdVisitDuty: STAFF,
  VisitDutyRules: STAFF,
  WorkerAppraisal: STAFF,
  WorkerPointEntry: STAFF,
  // A resident reads the rating their household gave.
  WorkerRating: [...STAFF, RE],
  WorkerAppraisalRules: STAFF,
  CommunityStarRules: STAFF,
  CommunityPeerReview: COMMUNITY_UP,
};
