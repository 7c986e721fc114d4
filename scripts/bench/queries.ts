/**
 * The four requests the HTTP benchmark times, each in three forms that must give the same
 * answer: our GraphQL API, PostGraphile 5's generated schema over the same tables, and the
 * best single SQL statement for it (the raw baseline). Every answer is brought to one
 * canonical shape (business fields only: IDs differ between the APIs) before it is hashed.
 */
import { createHash } from 'node:crypto';
import { toGlobalId } from '../../src/graphql/ids';

export type Server = 'ours' | 'postgraphile' | 'raw';
export const SERVERS: readonly Server[] = ['ours', 'postgraphile', 'raw'];

export interface Target {
  /** Where the request goes: the GraphQL endpoint, or the raw server's route. */
  path: string;
  /** The JSON body sent, the same for every request of a run. */
  body: Record<string, unknown>;
}

export interface Workload {
  name: string;
  title: string;
  targets: Record<Server, Target>;
  /** Concurrent connections, when not the run's: a request that takes seconds gets fewer, so some finish within a run. */
  connections?: number;
}

/** Rows the requests are about, picked from the seeded city. */
export interface Subjects {
  streetKey: number;
  householdKey: number;
  /** The dashboard's instant: fixed for the run, so every answer is for the same moment. */
  at: string;
}

/**
 * Page sizes of the nested request (streets, communities, grids, buildings, households,
 * residents): the small and the middle case of the foundation issue's statement-count test.
 */
export const NESTED_PAGES = { small: [1, 1, 3, 1, 1, 1], large: [3, 4, 13, 3, 10, 5] } as const;

const oursNested = ([S, C, G, B, H, R]: readonly number[]) => `{
  streets(first: ${S}) { nodes { name
    communities(first: ${C}) { nodes { name
      grids(first: ${G}) { nodes { code
        buildings(first: ${B}) { nodes { name
          households(first: ${H}) { nodes { room
            residents(first: ${R}) { nodes { name } }
          } }
        } }
      } }
    } }
  } }
}`;

const pg5Nested = ([S, C, G, B, H, R]: readonly number[]) => `{
  streets: allStreets(first: ${S}, orderBy: CODE_ASC) { nodes { name
    communities: communitiesByStreetId(first: ${C}, orderBy: CODE_ASC) { nodes { name
      grids: gridsByCommunityId(first: ${G}, orderBy: CODE_ASC) { nodes { code
        buildings: buildingsByGridId(first: ${B}, orderBy: PRIMARY_KEY_ASC) { nodes { name
          households: householdsByBuildingId(first: ${H}, orderBy: PRIMARY_KEY_ASC) { nodes { room
            residents: residentsByHouseholdId(first: ${R}, orderBy: PRIMARY_KEY_ASC) { nodes { name } }
          } }
        } }
      } }
    } }
  } }
}`;

const RESIDENT_FIELDS = 'name gender birthDate registration householder';
const OURS_LIST = `{ residents(first: 20) { nodes { ${RESIDENT_FIELDS} } } }`;
const PG5_LIST = `{ residents: allResidents(first: 20, orderBy: PRIMARY_KEY_ASC) { nodes { ${RESIDENT_FIELDS} } } }`;

const OURS_BY_ID = `query($id: ID!) { household: node(id: $id) { ... on Household { room address floorArea residents(first: 10) { nodes { name } } } } }`;
const PG5_BY_ID = `query($id: Int!) { household: householdByRowId(rowId: $id) { room address floorArea residents: residentsByHouseholdId(first: 10, orderBy: PRIMARY_KEY_ASC) { nodes { name } } } }`;

/** The dashboard without its visit duty: see DASHBOARD_SQL. */
const OURS_DASHBOARD = `query($street: ID!, $at: DateTime!) { streetDashboard(street: $street, at: $at) {
  openIncidents { total overdue byCategory { category total underOneDay oneToThreeDays threeToSevenDays overSevenDays overdue } }
  pendingDisclosures { month compoundsDue published pending { ledgerSubmitted compound { name } } }
  volunteerService { hours volunteers top { rank name hours points } }
  sinceYesterday { incidentsReported incidentsClosed wishesSubmitted wishesConfirmed visitsLogged disclosuresPublished disclosureCorrectionsPublished }
} }`;
const PG5_DASHBOARD = 'query($street: Int!, $at: Datetime!) { streetDashboard: benchStreetDashboard(streetId: $street, at: $at) }';

export function workloads(subjects: Subjects): Workload[] {
  const nested = (size: keyof typeof NESTED_PAGES): Workload => ({
    name: `nested ${size}`,
    connections: size === 'large' ? 2 : undefined,
    title: `streets → communities → grids → buildings → households → residents, pages ${NESTED_PAGES[size].join(', ')}`,
    targets: {
      ours: { path: '/graphql', body: { query: oursNested(NESTED_PAGES[size]) } },
      postgraphile: { path: '/graphql', body: { query: pg5Nested(NESTED_PAGES[size]) } },
      raw: { path: '/nested', body: { pages: NESTED_PAGES[size] } },
    },
  });
  return [
    nested('small'),
    nested('large'),
    {
      name: 'list',
      title: '20-row list (residents, 5 fields)',
      targets: { ours: { path: '/graphql', body: { query: OURS_LIST } }, postgraphile: { path: '/graphql', body: { query: PG5_LIST } }, raw: { path: '/list', body: {} } },
    },
    {
      name: 'byId',
      title: 'fetch by ID (a household with its residents)',
      targets: {
        ours: { path: '/graphql', body: { query: OURS_BY_ID, variables: { id: toGlobalId('Household', subjects.householdKey) } } },
        postgraphile: { path: '/graphql', body: { query: PG5_BY_ID, variables: { id: subjects.householdKey } } },
        raw: { path: '/byId', body: { id: subjects.householdKey } },
      },
    },
    {
      name: 'dashboard',
      title: 'street dashboard (open incidents, pending disclosures, volunteer hours, changes since yesterday)',
      targets: {
        ours: { path: '/graphql', body: { query: OURS_DASHBOARD, variables: { street: toGlobalId('Street', subjects.streetKey), at: subjects.at } } },
        postgraphile: { path: '/graphql', body: { query: PG5_DASHBOARD, variables: { street: subjects.streetKey, at: subjects.at } } },
        raw: { path: '/dashboard', body: { streetId: subjects.streetKey, at: subjects.at } },
      },
    },
  ];
}

// The raw baseline ----------------------------------------------------------------------------

/** Builds a JSON array of `fields` over `source` (already ordered and limited), in `order`. */
const agg = (fields: string, order: string) => `coalesce(json_agg(json_build_object(${fields}) order by ${order}), '[]')`;

/** One statement per request, answering JSON text; `$n` are the raw route's parameters. */
export const RAW_SQL: Record<string, { sql: string; params: (body: Record<string, unknown>) => (string | number)[] }> = {
  nested: {
    params: (body) => (body.pages as number[]).map(Number),
    sql: `select json_build_object('streets', ${agg("'name', s.name, 'communities', cs.list", 's.code')})::text as body
      from (select id, code, name from streets order by code limit $1) s
      cross join lateral (select ${agg("'name', c.name, 'grids', gs.list", 'c.code')} as list
        from (select id, code, name from communities where street_id = s.id order by code limit $2) c
        cross join lateral (select ${agg("'code', g.code, 'buildings', bs.list", 'g.code')} as list
          from (select id, code from grids where community_id = c.id order by code limit $3) g
          cross join lateral (select ${agg("'name', b.name, 'households', hs.list", 'b.id')} as list
            from (select id, name from buildings where grid_id = g.id order by id limit $4) b
            cross join lateral (select ${agg("'room', h.room, 'residents', rs.list", 'h.id')} as list
              from (select id, room from households where building_id = b.id order by id limit $5) h
              cross join lateral (select ${agg("'name', r.name", 'r.id')} as list
                from (select id, name from residents where household_id = h.id order by id limit $6) r) rs) hs) bs) gs) cs`,
  },
  list: {
    params: () => [],
    sql: `select json_build_object('residents', ${agg("'name', name, 'gender', gender, 'birthDate', birth_date, 'registration', registration, 'householder', householder", 'id')})::text as body
      from (select * from residents order by id limit 20) r`,
  },
  byId: {
    params: (body) => [Number(body.id)],
    sql: `select json_build_object('household', (select json_build_object('room', h.room, 'address', h.address, 'floorArea', h.floor_area::text,
        'residents', (select ${agg("'name', r.name", 'r.id')} from (select id, name from residents where household_id = h.id order by id limit 10) r))
      from households h where h.id = $1))::text as body`,
  },
  /**
   * The dashboard in one statement, the calendar of China included. Its visit duty is left out
   * of the comparison: the rules behind it (src/modules/visit/duty.service.ts) would need a
   * second implementation in SQL, which would measure that rewrite rather than the API.
   */
  dashboard: {
    params: (body) => [Number(body.streetId), String(body.at)],
    sql: `with clock as (
        select $2::timestamptz as at, $2::timestamptz - interval '1 day' as since,
          date_trunc('month', ($2::timestamptz at time zone 'Asia/Shanghai'))::date as month_start,
          ($2::timestamptz at time zone 'Asia/Shanghai')::date as today),
      months as (select clock.*, (month_start - interval '1 month')::date as last_month_start, month_start - 1 as last_month_end from clock),
      open_then as (
        select i.category, extract(epoch from m.at - i.reported_at) / 86400 as age_days, i.deadline < m.at as overdue
        from months m join incidents i on i.street_id = $1 and i.reported_at <= m.at
        cross join lateral (select t.to_status from incident_transitions t where t.incident_id = i.id and t.at <= m.at order by t.at desc, t.id desc limit 1) s
        where s.to_status in ('REPORTED', 'ACCEPTED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED')),
      by_category as (
        select c.category, c.ord, count(o.category)::int as total,
          count(*) filter (where o.age_days < 1)::int as under_one_day,
          count(*) filter (where o.age_days >= 1 and o.age_days < 3)::int as one_to_three_days,
          count(*) filter (where o.age_days >= 3 and o.age_days < 7)::int as three_to_seven_days,
          count(*) filter (where o.age_days >= 7)::int as over_seven_days,
          count(*) filter (where o.overdue)::int as overdue
        from unnest(enum_range(null::incident_category)) with ordinality as c(category, ord)
        left join open_then o on o.category = c.category group by c.category, c.ord),
      due as (
        select co.id, co.name,
          exists (select 1 from disclosures d where d.compound_id = co.id and d.month = m.last_month_start and d.published_at <= m.at) as published,
          exists (select 1 from ledger_months l where l.compound_id = co.id and l.month = m.last_month_start and l.created_at <= m.at) as submitted
        from months m join compounds co on co.street_id = $1
        where exists (select 1 from property_contracts pc where pc.compound_id = co.id and pc.starts_on <= m.last_month_end and pc.ends_on >= m.last_month_start)),
      earned as (
        select a.volunteer_id, coalesce(sum(e.amount) filter (where e.asset = 'HOURS'), 0) as hours, coalesce(sum(e.amount) filter (where e.asset = 'POINTS'), 0) as points
        from months mo, ledger_entries e
        join bank_accounts a on a.id = e.account_id
        join ledger_movements m on m.id = e.movement_id
        left join ledger_movements o on o.id = m.reverses_id
        where a.volunteer_id in (select v.id from volunteers v where v.street_id = $1)
          and coalesce(o.kind, m.kind) in ('ATTENDANCE', 'WISH')
          and coalesce(o.occurred_on, m.occurred_on) between mo.month_start and mo.today
          and m.created_at <= mo.at
        group by a.volunteer_id),
      ranked as (
        select v.name, earned.hours, earned.points, rank() over (order by earned.hours desc) as rank, v.id
        from earned join volunteers v on v.id = earned.volunteer_id where earned.hours > 0)
      select json_build_object('streetDashboard', json_build_object(
        'openIncidents', (select json_build_object('total', coalesce(sum(total), 0)::int, 'overdue', coalesce(sum(overdue), 0)::int,
          'byCategory', json_agg(json_build_object('category', category, 'total', total, 'underOneDay', under_one_day, 'oneToThreeDays', one_to_three_days,
            'threeToSevenDays', three_to_seven_days, 'overSevenDays', over_seven_days, 'overdue', overdue) order by ord)) from by_category),
        'pendingDisclosures', (select json_build_object('month', m.last_month_start, 'compoundsDue', (select count(*) from due), 'published', (select count(*) filter (where published) from due),
          'pending', (select ${agg("'ledgerSubmitted', submitted, 'compound', json_build_object('name', name)", 'id')} from due where not published)) from months m),
        'volunteerService', json_build_object('hours', (select coalesce(sum(hours), 0)::numeric(14,2)::text from earned), 'volunteers', (select count(*) from ranked),
          'top', (select ${agg("'rank', rank, 'name', name, 'hours', hours::numeric(14,2)::text, 'points', points::bigint", 'hours desc, id')}
            from (select * from ranked order by hours desc, id limit 5) t)),
        'sinceYesterday', (select json_build_object(
          'incidentsReported', (select count(*) from incidents i where i.street_id = $1 and i.reported_at > m.since and i.reported_at <= m.at),
          'incidentsClosed', (select count(*) from incident_transitions t join incidents i on i.id = t.incident_id
            where i.street_id = $1 and t.action = 'CLOSE' and t.at > m.since and t.at <= m.at),
          'wishesSubmitted', (select count(*) from wishes w where w.street_id = $1 and w.submitted_at > m.since and w.submitted_at <= m.at),
          'wishesConfirmed', (select count(*) from wish_transitions t join wishes w on w.id = t.wish_id
            where w.street_id = $1 and t.action = 'CONFIRM' and t.at > m.since and t.at <= m.at),
          'visitsLogged', (select count(*) from household_visits v where v.street_id = $1 and v.visited_at > m.since and v.visited_at <= m.at),
          'disclosuresPublished', (select count(*) from disclosures d join compounds c on c.id = d.compound_id
            where c.street_id = $1 and d.version = 1 and d.published_at > m.since and d.published_at <= m.at),
          'disclosureCorrectionsPublished', (select count(*) from disclosures d join compounds c on c.id = d.compound_id
            where c.street_id = $1 and d.version > 1 and d.published_at > m.since and d.published_at <= m.at)) from months m)))::text as body`,
  },
};

/**
 * The raw dashboard statement as a function in a bench-only schema, so that PostGraphile can
 * serve the same answer (it generates no aggregate of this kind): PostGraphile then costs its
 * GraphQL layer over the same statement.
 */
export const PG5_DASHBOARD_FUNCTION = `
  create schema if not exists bench;
  create or replace function bench.street_dashboard(street_id int, at timestamptz) returns json language sql stable as $fn$
    ${RAW_SQL.dashboard.sql.replace(/\)::text as body$/, ")->'streetDashboard'")}
  $fn$;`;

// Equality ------------------------------------------------------------------------------------

/** Brings an answer to the canonical shape: connections become arrays of their nodes, keys sorted. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && keys[0] === 'nodes') return canonical(object.nodes);
    return Object.fromEntries(keys.sort().map((k) => [k, canonical(object[k])]));
  }
  return value;
}

/** The data of each server's answer, canonical: PostGraphile's dashboard is one JSON value under the field. */
export function canonicalData(server: Server, data: unknown): unknown {
  const value = server === 'postgraphile' && data && typeof data === 'object' && 'streetDashboard' in data
    ? { streetDashboard: (data as { streetDashboard: unknown }).streetDashboard }
    : data;
  return canonical(value);
}

export const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The first place two canonical answers differ, for the refusal message. */
export function firstDifference(a: unknown, b: unknown, at = '$'): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}${Array.isArray(a) ? `[${k}]` : `.${k}`}`);
      if (d) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)?.slice(0, 200)} ≠ ${JSON.stringify(b)?.slice(0, 200)}`;
}
