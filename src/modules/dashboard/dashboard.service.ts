/**
 * The street dashboard (街道工作台): each part is one SQL statement over the street's rows,
 * whatever the street's size; the visit duty is the visit module's `workerDuties`.
 */
import { eq, sql } from 'drizzle-orm';
import { scopeCondition } from '../../auth/scope';
import type { Context } from '../../context';
import { rowsOf, type Queryable } from '../../db/client';
import { argumentKey, badUserInput, forbidden } from '../../graphql/errors';
import { asStreet } from '../grid/grid.loaders';
import { STREET_UNITS } from '../grid/grid.scope';
import { streets } from '../grid/grid.tables';
import { OPEN_STATUSES } from '../incident/incident.machine';
import { incidentCategory, incidents, incidentTransitions } from '../incident/incident.tables';
import type { IncidentCategory } from '../incident/incident.types';
import { compounds, disclosures, ledgerMonths, propertyContracts } from '../property/property.tables';
import { workerDuties } from '../visit/duty.service';
import { householdVisits } from '../visit/visit.tables';
import { earnedInPeriod } from '../volunteer/bank.ledger';
import { volunteers } from '../volunteer/volunteer.tables';
import { wishes, wishTransitions } from '../wish/wish.tables';
import { AGE_BUCKET_DAYS, dashboardClock, TOP_VOLUNTEERS, visitShortfallByGrid, type DashboardClock } from './dashboard.rules';
import type {
  OpenIncidentsOfCategory, OpenIncidentsSummary, PendingDisclosures, StreetChanges, StreetDashboard, VisitDutySummary,
  VolunteerServiceSummary,
} from './dashboard.types';

const instant = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const day = (d: string) => sql`${d}::date`;

/**
 * The dashboard of a street the viewer may read: a street officer their own street, a city
 * administrator any (or those of their district). The street row comes with it, so reading
 * the street costs no further statement.
 */
export async function openDashboard(ctx: Context, street: string, at: Date | null | undefined): Promise<StreetDashboard> {
  const key = argumentKey(street, 'Street', 'street');
  const [row] = await ctx.db.select({ street: streets, readable: sql<boolean>`${scopeCondition(ctx.viewer, STREET_UNITS) ?? sql`true`}` })
    .from(streets).where(eq(streets.id, key));
  if (!row) throw badUserInput('`street` is the ID of no street.', 'street');
  if (!row.readable) throw forbidden('The dashboard of this street lies outside your area.');
  const clock = dashboardClock(at ?? new Date());
  return { street: asStreet(row.street), at: clock.at, month: clock.month, streetKey: key, clock };
}

interface OpenRow {
  category: IncidentCategory;
  total: number;
  under_one_day: number;
  one_to_three_days: number;
  three_to_seven_days: number;
  over_seven_days: number;
  overdue: number;
}

/**
 * Incidents open at the instant, by category and age. The status at the instant is the one
 * the timeline had reached by then, so a dashboard for an earlier instant shows what was open then.
 */
export async function openIncidents(db: Queryable, streetKey: number, clock: DashboardClock): Promise<OpenIncidentsSummary> {
  const [one, three, seven] = AGE_BUCKET_DAYS;
  const rows = await rowsOf<OpenRow>(db, sql`
    with open_then as (
      select i.category, extract(epoch from ${instant(clock.at)} - i.reported_at) / 86400 as age_days, i.deadline < ${instant(clock.at)} as overdue
      from ${incidents} i
      cross join lateral (
        select t.to_status from ${incidentTransitions} t
        where t.incident_id = i.id and t.at <= ${instant(clock.at)}
        order by t.at desc, t.id desc limit 1
      ) s
      where i.street_id = ${streetKey} and i.reported_at <= ${instant(clock.at)}
        and s.to_status in (${sql.join(OPEN_STATUSES.map((status) => sql`${status}`), sql`, `)})
    )
    select category,
      count(*)::int as total,
      count(*) filter (where age_days < ${one})::int as under_one_day,
      count(*) filter (where age_days >= ${one} and age_days < ${three})::int as one_to_three_days,
      count(*) filter (where age_days >= ${three} and age_days < ${seven})::int as three_to_seven_days,
      count(*) filter (where age_days >= ${seven})::int as over_seven_days,
      count(*) filter (where overdue)::int as overdue
    from open_then group by category`);
  const byCategory = new Map(rows.map((r) => [r.category, r]));
  const categories: OpenIncidentsOfCategory[] = incidentCategory.enumValues.map((category) => {
    const r = byCategory.get(category);
    return {
      category,
      total: r?.total ?? 0,
      underOneDay: r?.under_one_day ?? 0,
      oneToThreeDays: r?.one_to_three_days ?? 0,
      threeToSevenDays: r?.three_to_seven_days ?? 0,
      overSevenDays: r?.over_seven_days ?? 0,
      overdue: r?.overdue ?? 0,
    };
  });
  return {
    total: categories.reduce((sum, c) => sum + c.total, 0),
    overdue: categories.reduce((sum, c) => sum + c.overdue, 0),
    byCategory: categories,
  };
}

/** The month's visit duty of the street's workers, gathered per grid. */
export async function visitDuty(db: Queryable, streetKey: number, clock: DashboardClock): Promise<VisitDutySummary> {
  const duties = await workerDuties(db, { streetId: streetKey }, clock.month);
  return {
    workers: duties.length,
    workersNotMet: duties.filter((d) => !d.met).length,
    workersBelowMinimum: duties.filter((d) => d.households.done < d.households.due).length,
    byGrid: visitShortfallByGrid(duties),
  };
}

/**
 * Last month's disclosures: every compound of the street under a property service contract
 * in that month owes one (a ledger month needs a contract); pending are those with no version
 * published by the instant.
 */
export async function pendingDisclosures(db: Queryable, streetKey: number, clock: DashboardClock): Promise<PendingDisclosures> {
  const [row] = await rowsOf<{ due: number; published: number; pending: { compoundId: number; ledgerSubmitted: boolean }[] }>(db, sql`
    with due as (
      select c.id,
        exists (select 1 from ${disclosures} d where d.compound_id = c.id and d.month = ${day(clock.lastMonthStart)}
          and d.published_at <= ${instant(clock.at)}) as published,
        exists (select 1 from ${ledgerMonths} l where l.compound_id = c.id and l.month = ${day(clock.lastMonthStart)}
          and l.created_at <= ${instant(clock.at)}) as submitted
      from ${compounds} c
      where c.street_id = ${streetKey}
        and exists (select 1 from ${propertyContracts} pc where pc.compound_id = c.id
          and pc.starts_on <= ${day(clock.lastMonthEnd)} and pc.ends_on >= ${day(clock.lastMonthStart)})
    )
    select count(*)::int as due, count(*) filter (where published)::int as published,
      coalesce(json_agg(json_build_object('compoundId', id, 'ledgerSubmitted', submitted) order by id) filter (where not published), '[]') as pending
    from due`);
  return { month: clock.lastMonthStart, compoundsDue: row.due, published: row.published, pending: row.pending };
}

interface VolunteerRow {
  hours: string;
  volunteers: number;
  top: { rank: number; name: string; hours: string; points: number }[];
}

/**
 * Hours the street's volunteers earned this month, as the ledger knew them at the instant. A
 * reversal counts on the day of the movement it corrects, as on the volunteer leaderboard, so
 * the month nets to what was really served.
 */
export async function volunteerService(db: Queryable, streetKey: number, clock: DashboardClock): Promise<VolunteerServiceSummary> {
  const [row] = await rowsOf<VolunteerRow>(db, sql`
    with earned as (${earnedInPeriod(sql`(select v.id from ${volunteers} v where v.street_id = ${streetKey})`, clock.monthStart, clock.today, clock.at)}),
    ranked as (
      select v.name, earned.hours, earned.points, rank() over (order by earned.hours desc) as rank, v.id
      from earned join ${volunteers} v on v.id = earned.volunteer_id
      where earned.hours > 0
    )
    select
      (select coalesce(sum(hours), 0)::numeric(14,2)::text from earned) as hours,
      (select count(*)::int from ranked) as volunteers,
      coalesce((select json_agg(json_build_object('rank', rank, 'name', name, 'hours', hours::numeric(14,2)::text, 'points', points::bigint) order by hours desc, id)
        from (select * from ranked order by hours desc, id limit ${TOP_VOLUNTEERS}) t), '[]') as top`);
  return { hours: row.hours, volunteers: row.volunteers, top: row.top.map((t) => ({ ...t, rank: Number(t.rank), points: Number(t.points) })) };
}

interface ChangesRow {
  incidents_reported: number;
  incidents_closed: number;
  wishes_submitted: number;
  wishes_confirmed: number;
  visits: number;
  disclosures: number;
  corrections: number;
}

/** What happened in the street after the same time yesterday, up to the instant. */
export async function streetChanges(db: Queryable, streetKey: number, clock: DashboardClock): Promise<StreetChanges> {
  const during = (column: string) => sql`${sql.raw(column)} > ${instant(clock.since)} and ${sql.raw(column)} <= ${instant(clock.at)}`;
  const [row] = await rowsOf<ChangesRow>(db, sql`
    select
      (select count(*)::int from ${incidents} i where i.street_id = ${streetKey} and ${during('i.reported_at')}) as incidents_reported,
      (select count(*)::int from ${incidentTransitions} t join ${incidents} i on i.id = t.incident_id
        where i.street_id = ${streetKey} and t.action = 'CLOSE' and ${during('t.at')}) as incidents_closed,
      (select count(*)::int from ${wishes} w where w.street_id = ${streetKey} and ${during('w.submitted_at')}) as wishes_submitted,
      (select count(*)::int from ${wishTransitions} t join ${wishes} w on w.id = t.wish_id
        where w.street_id = ${streetKey} and t.action = 'CONFIRM' and ${during('t.at')}) as wishes_confirmed,
      (select count(*)::int from ${householdVisits} v where v.street_id = ${streetKey} and ${during('v.visited_at')}) as visits,
      (select count(*)::int from ${disclosures} d join ${compounds} c on c.id = d.compound_id
        where c.street_id = ${streetKey} and d.version = 1 and ${during('d.published_at')}) as disclosures,
      (select count(*)::int from ${disclosures} d join ${compounds} c on c.id = d.compound_id
        where c.street_id = ${streetKey} and d.version > 1 and ${during('d.published_at')}) as corrections`);
  return {
    since: clock.since,
    incidentsReported: row.incidents_reported,
    incidentsClosed: row.incidents_closed,
    wishesSubmitted: row.wishes_submitted,
    wishesConfirmed: row.wishes_confirmed,
    visitsLogged: row.visits,
    disclosuresPublished: row.disclosures,
    disclosureCorrectionsPublished: row.corrections,
  };
}
