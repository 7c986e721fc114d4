import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar, DateTime, Decimal } from '../../graphql/scalars';
import type { asStreet } from '../grid/grid.loaders';
import { Street } from '../grid/grid.types';
import { IncidentCategory } from '../incident/incident.types';
import { VolunteerLeaderboardEntry } from '../volunteer/volunteer.types';
import { TOP_VOLUNTEERS, type DashboardClock } from './dashboard.rules';

@ObjectType({ description: 'What a street office (街道办) opens in the morning: its open incidents, visit duty, pending disclosures, volunteer service and the day\'s changes, as they stood at one instant.' })
export class StreetDashboard {
  @Field(() => Street, { description: 'The street.' })
  street!: ReturnType<typeof asStreet>;

  @Field(() => DateTime, { description: 'The instant the figures are for.' })
  at!: Date;

  @Field(() => String, { description: 'The month in China at that instant, `YYYY-MM`: the month of the visit duty and of the volunteer hours.' })
  month!: string;

  streetKey!: number;
  clock!: DashboardClock;
}

@ObjectType({ description: 'Open incidents of one category, by how long ago they were reported.', simpleResolvers: true })
export class OpenIncidentsOfCategory {
  @Field(() => IncidentCategory, { description: 'The category.' })
  category!: IncidentCategory;

  @Field(() => Int, { description: 'Open incidents of the category.' })
  total!: number;

  @Field(() => Int, { description: 'Reported less than a day ago.' })
  underOneDay!: number;

  @Field(() => Int, { description: 'Reported one to three days ago.' })
  oneToThreeDays!: number;

  @Field(() => Int, { description: 'Reported three to seven days ago.' })
  threeToSevenDays!: number;

  @Field(() => Int, { description: 'Reported seven days ago or earlier.' })
  overSevenDays!: number;

  @Field(() => Int, { description: 'Open and past their deadline (超期).' })
  overdue!: number;
}

@ObjectType({ description: 'The street\'s incidents still open (reported, accepted, dispatched, in progress or escalated) at the instant.', simpleResolvers: true })
export class OpenIncidentsSummary {
  @Field(() => Int, { description: 'Open incidents.' })
  total!: number;

  @Field(() => Int, { description: 'Open incidents past their deadline.' })
  overdue!: number;

  @Field(() => [OpenIncidentsOfCategory], { description: 'Every category, in the order of IncidentCategory, with zeros where nothing is open.' })
  byCategory!: OpenIncidentsOfCategory[];
}

@ObjectType({ description: 'Where the visit duty (走访责任) of one grid falls short this month.', simpleResolvers: true })
export class GridVisitShortfall {
  @Field(() => Int, { description: 'Workers on visit duty in the grid.' })
  workers!: number;

  @Field(() => Int, { description: 'Workers whose duty is not met: a rule\'s period ended unfulfilled.' })
  workersNotMet!: number;

  @Field(() => Int, { description: 'Workers who have not yet visited the monthly minimum of households (每月走访不少于10户) so far.' })
  workersBelowMinimum!: number;

  @Field(() => Int, { description: 'Special households (重点户: elderly living alone, disabled, left-behind children, families in difficulty) not yet visited in their visit period.' })
  specialNotVisited!: number;

  @Field(() => Int, { description: 'Special households whose visit period ended without a visit.' })
  specialOverdue!: number;

  @Field(() => Int, { description: 'Households whose data-refresh period (每季度更新) ended without a data-refresh visit.' })
  dataRefreshOverdue!: number;

  gridId!: number;
}

@ObjectType({ description: 'The street\'s visit duty this month, from the workers\' duties.', simpleResolvers: true })
export class VisitDutySummary {
  @Field(() => Int, { description: 'Workers on visit duty in the street this month (one per worker and grid).' })
  workers!: number;

  @Field(() => Int, { description: 'Of them, those whose duty is not met.' })
  workersNotMet!: number;

  @Field(() => Int, { description: 'Of them, those below the monthly minimum of households so far.' })
  workersBelowMinimum!: number;

  @Field(() => [GridVisitShortfall], { description: 'The grids where anything falls short, in grid order.' })
  byGrid!: GridVisitShortfall[];
}

@ObjectType({ description: 'A compound whose monthly disclosure (公示) is not yet published.', simpleResolvers: true })
export class PendingDisclosure {
  @Field(() => Boolean, { description: 'The property company has submitted the month\'s ledger, which waits for the owners\' committee to publish it; false when nothing is submitted yet.' })
  ledgerSubmitted!: boolean;

  compoundId!: number;
}

@ObjectType({ description: 'The compounds of the street whose disclosure of last month\'s fee money is not yet published (每月花费、结余进行公示).', simpleResolvers: true })
export class PendingDisclosures {
  @Field(() => DateScalar, { description: 'First day of the month the disclosure is for (the month before the instant).' })
  month!: string;

  @Field(() => Int, { description: 'Compounds of the street under a property service contract in that month: those that owe a disclosure.' })
  compoundsDue!: number;

  @Field(() => Int, { description: 'Of them, those whose disclosure is published.' })
  published!: number;

  @Field(() => [PendingDisclosure], { description: 'Those whose disclosure is not published, in compound order.' })
  pending!: PendingDisclosure[];
}

@ObjectType({ description: 'Service hours the street\'s volunteers earned this month (love bank, 爱心银行), reversals netted.', simpleResolvers: true })
export class VolunteerServiceSummary {
  @Field(() => Decimal, { description: 'Hours earned by attendance and micro-wishes served this month, less the reversals of them.' })
  hours!: string;

  @Field(() => Int, { description: 'Volunteers who earned any hours this month.' })
  volunteers!: number;

  @Field(() => [VolunteerLeaderboardEntry], { description: `The street's ${TOP_VOLUNTEERS} volunteers with the most hours this month (fewer when fewer served); ties share a rank.` })
  top!: VolunteerLeaderboardEntry[];
}

@ObjectType({ description: 'What changed in the street since the same time yesterday (China time).', simpleResolvers: true })
export class StreetChanges {
  @Field(() => DateTime, { description: 'The same time the day before: the changes are those after it, up to the dashboard\'s instant.' })
  since!: Date;

  @Field(() => Int, { description: 'Incidents reported (事件上报).' })
  incidentsReported!: number;

  @Field(() => Int, { description: 'Incidents closed after the return visit (结案销号).' })
  incidentsClosed!: number;

  @Field(() => Int, { description: 'Micro-wishes (微心愿) submitted by residents.' })
  wishesSubmitted!: number;

  @Field(() => Int, { description: 'Micro-wishes the resident confirmed fulfilled.' })
  wishesConfirmed!: number;

  @Field(() => Int, { description: 'Household visits (走访) made, by their visit time.' })
  visitsLogged!: number;

  @Field(() => Int, { description: 'Monthly disclosures published for the first time.' })
  disclosuresPublished!: number;

  @Field(() => Int, { description: 'Corrections of earlier disclosures published (a new version that says why).' })
  disclosureCorrectionsPublished!: number;
}
