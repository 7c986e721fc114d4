import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chinaDate } from '../../../src/calendar';
import { toGlobalId } from '../../../src/graphql/ids';
import { communities, grids, streets } from '../../../src/modules/grid/grid.tables';
import { incidentCategory, incidents, incidentTransitions } from '../../../src/modules/incident/incident.tables';
import { compounds, disclosures, ledgerMonths, propertyContracts } from '../../../src/modules/property/property.tables';
import { workerDuties } from '../../../src/modules/visit/duty.service';
import { householdVisits } from '../../../src/modules/visit/visit.tables';
import { bankAccounts, ledgerEntries, ledgerMovements, volunteers } from '../../../src/modules/volunteer/volunteer.tables';
import { wishes, wishTransitions } from '../../../src/modules/wish/wish.tables';
import { demoUnits, type DemoUnits } from '../../helpers/fixtures';
import { Role, startTestServer, type TestServer } from '../../helpers/server';

let t: TestServer;
let u: DemoUnits;
let admin: string;
let officer: string;

beforeAll(async () => {
  t = await startTestServer();
  u = await demoUnits(t.database.db);
  admin = await t.token(Role.CITY_ADMIN);
  officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.street.id });
});
afterAll(async () => t?.close());

const DAY = 24 * 3600 * 1000;
const OPEN = ['REPORTED', 'ACCEPTED', 'DISPATCHED', 'IN_PROGRESS', 'ESCALATED'];

const DASHBOARD = `query($street: ID!, $at: DateTime) {
  streetDashboard(street: $street, at: $at) {
    at month street { id name }
    openIncidents { total overdue byCategory { category total underOneDay oneToThreeDays threeToSevenDays overSevenDays overdue } }
    visitDuty { workers workersNotMet workersBelowMinimum byGrid { grid { id code } workers workersNotMet workersBelowMinimum specialNotVisited specialOverdue dataRefreshOverdue } }
    pendingDisclosures { month compoundsDue published pending { compound { id name } ledgerSubmitted } }
    volunteerService { hours volunteers top { rank name hours points } }
    sinceYesterday { since incidentsReported incidentsClosed wishesSubmitted wishesConfirmed visitsLogged disclosuresPublished disclosureCorrectionsPublished }
  }
}`;

/** Instants around the seed's reference date (2026-11-01) where every part has something to show. */
const INSTANTS = ['2026-10-05T12:00:00+08:00', '2026-10-31T20:00:00+08:00', '2026-10-28T20:00:00+08:00', '2026-09-23T08:00:00+08:00', '2026-08-15T09:30:00+08:00'];

function lastMonthOf(today: string): { start: string; end: string } {
  const [y, m] = today.split('-').map(Number);
  const start = new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
  const end = new Date(Date.UTC(y, m - 1, 0)).toISOString().slice(0, 10);
  return { start, end };
}

/** The dashboard's figures computed here from plain rows, without its SQL. */
async function expectedFigures(streetId: number, at: Date) {
  const db = t.database.db;
  const since = new Date(at.getTime() - DAY);
  const during = (d: Date | null) => d !== null && d > since && d <= at;

  const streetIncidents = await db.select().from(incidents).where(eq(incidents.streetId, streetId));
  const steps = streetIncidents.length === 0 ? [] : await db.select().from(incidentTransitions)
    .where(inArray(incidentTransitions.incidentId, streetIncidents.map((i) => i.id)));
  const statusAt = new Map<number, string>();
  const latest = new Map<number, { at: Date; id: number }>();
  for (const s of steps) {
    if (s.at > at) continue;
    const seen = latest.get(s.incidentId);
    if (!seen || s.at > seen.at || (s.at.getTime() === seen.at.getTime() && s.id > seen.id)) {
      latest.set(s.incidentId, { at: s.at, id: s.id });
      statusAt.set(s.incidentId, s.toStatus);
    }
  }
  const open = streetIncidents.filter((i) => i.reportedAt <= at && OPEN.includes(statusAt.get(i.id) ?? ''));
  const byCategory = incidentCategory.enumValues.map((category) => {
    const of = open.filter((i) => i.category === category);
    const age = (i: (typeof of)[number]) => (at.getTime() - i.reportedAt.getTime()) / DAY;
    return {
      category,
      total: of.length,
      underOneDay: of.filter((i) => age(i) < 1).length,
      oneToThreeDays: of.filter((i) => age(i) >= 1 && age(i) < 3).length,
      threeToSevenDays: of.filter((i) => age(i) >= 3 && age(i) < 7).length,
      overSevenDays: of.filter((i) => age(i) >= 7).length,
      overdue: of.filter((i) => i.deadline < at).length,
    };
  });

  const today = chinaDate(at);
  const last = lastMonthOf(today);
  const streetCompounds = await db.select().from(compounds).where(eq(compounds.streetId, streetId)).orderBy(asc(compounds.id));
  const ids = streetCompounds.map((c) => c.id);
  const contracts = ids.length ? await db.select().from(propertyContracts).where(inArray(propertyContracts.compoundId, ids)) : [];
  const published = ids.length ? await db.select().from(disclosures).where(and(inArray(disclosures.compoundId, ids), eq(disclosures.month, last.start))) : [];
  const ledgers = ids.length ? await db.select().from(ledgerMonths).where(and(inArray(ledgerMonths.compoundId, ids), eq(ledgerMonths.month, last.start))) : [];
  const due = streetCompounds.filter((c) => contracts.some((k) => k.compoundId === c.id && k.startsOn <= last.end && k.endsOn >= last.start));
  const isPublished = (id: number) => published.some((d) => d.compoundId === id && d.publishedAt <= at);
  const pending = due.filter((c) => !isPublished(c.id)).map((c) => ({
    compound: { id: toGlobalId('Compound', c.id), name: c.name },
    ledgerSubmitted: ledgers.some((l) => l.compoundId === c.id && l.createdAt <= at),
  }));

  const entries = await db.select({ volunteerId: volunteers.id, name: volunteers.name, asset: ledgerEntries.asset, amount: ledgerEntries.amount, movementId: ledgerEntries.movementId })
    .from(ledgerEntries)
    .innerJoin(bankAccounts, eq(bankAccounts.id, ledgerEntries.accountId))
    .innerJoin(volunteers, eq(volunteers.id, bankAccounts.volunteerId))
    .where(eq(volunteers.streetId, streetId));
  const movements = new Map((await db.select().from(ledgerMovements)).map((m) => [m.id, m]));
  const earned = new Map<number, { name: string; cents: number; points: number }>();
  for (const e of entries) {
    const m = movements.get(e.movementId)!;
    const origin = m.reversesId === null ? m : movements.get(m.reversesId)!;
    if (!['ATTENDANCE', 'WISH'].includes(origin.kind) || m.createdAt > at) continue;
    if (origin.occurredOn < `${today.slice(0, 7)}-01` || origin.occurredOn > today) continue;
    const v = earned.get(e.volunteerId) ?? { name: e.name, cents: 0, points: 0 };
    if (e.asset === 'HOURS') v.cents += Math.round(Number(e.amount) * 100);
    else v.points += Number(e.amount);
    earned.set(e.volunteerId, v);
  }
  const served = [...earned.entries()].filter(([, v]) => v.cents > 0).sort(([ia, a], [ib, b]) => b.cents - a.cents || ia - ib);
  const top = served.slice(0, 5).map(([, v]) => ({
    rank: 1 + served.filter(([, w]) => w.cents > v.cents).length,
    name: v.name,
    hours: (v.cents / 100).toFixed(2),
    points: v.points,
  }));
  const totalCents = [...earned.values()].reduce((s, v) => s + v.cents, 0);

  const streetWishes = await db.select().from(wishes).where(eq(wishes.streetId, streetId));
  const wishSteps = streetWishes.length ? await db.select().from(wishTransitions).where(inArray(wishTransitions.wishId, streetWishes.map((w) => w.id))) : [];
  const visits = await db.select().from(householdVisits).where(eq(householdVisits.streetId, streetId));
  const allVersions = ids.length ? await db.select().from(disclosures).where(inArray(disclosures.compoundId, ids)) : [];

  return {
    openIncidents: {
      total: open.length,
      overdue: open.filter((i) => i.deadline < at).length,
      byCategory,
    },
    pendingDisclosures: { month: last.start, compoundsDue: due.length, published: due.length - pending.length, pending },
    volunteerService: { hours: (totalCents / 100).toFixed(2), volunteers: served.length, top },
    sinceYesterday: {
      since: since.toISOString(),
      incidentsReported: streetIncidents.filter((i) => during(i.reportedAt)).length,
      incidentsClosed: steps.filter((s) => s.action === 'CLOSE' && during(s.at)).length,
      wishesSubmitted: streetWishes.filter((w) => during(w.submittedAt)).length,
      wishesConfirmed: wishSteps.filter((s) => s.action === 'CONFIRM' && during(s.at)).length,
      visitsLogged: visits.filter((v) => during(v.visitedAt)).length,
      disclosuresPublished: allVersions.filter((d) => d.version === 1 && during(d.publishedAt)).length,
      disclosureCorrectionsPublished: allVersions.filter((d) => d.version > 1 && during(d.publishedAt)).length,
    },
  };
}

describe('the street dashboard', () => {
  test.each(INSTANTS)('every figure at %s agrees with a computation from the rows', async (instant) => {
    const at = new Date(instant);
    const r = await t.gql(DASHBOARD, { street: u.ids.street, at: instant }, officer);
    expect(r.errors).toBeUndefined();
    const d = r.data.streetDashboard;
    const expected = await expectedFigures(u.street.id, at);
    expect(new Date(d.at).getTime()).toBe(at.getTime());
    expect(d.month).toBe(chinaDate(at).slice(0, 7));
    expect(d.street).toEqual({ id: u.ids.street, name: u.street.name });
    expect(d.openIncidents).toEqual(expected.openIncidents);
    expect(d.pendingDisclosures).toEqual(expected.pendingDisclosures);
    expect(d.volunteerService).toEqual(expected.volunteerService);
    expect({ ...d.sinceYesterday, since: new Date(d.sinceYesterday.since).toISOString() }).toEqual(expected.sinceYesterday);
  });

  test('the chosen instants show something in every part', async () => {
    const figures = await Promise.all(INSTANTS.map((i) => expectedFigures(u.street.id, new Date(i))));
    expect(figures.some((f) => f.openIncidents.total > 0 && f.openIncidents.overdue > 0)).toBe(true);
    expect(figures.some((f) => f.openIncidents.byCategory.some((c) => c.underOneDay + c.oneToThreeDays + c.threeToSevenDays > 0))).toBe(true);
    expect(figures.some((f) => f.pendingDisclosures.pending.length > 0)).toBe(true);
    expect(figures.some((f) => Number(f.volunteerService.hours) > 0 && f.volunteerService.top.length > 0)).toBe(true);
    for (const change of ['incidentsReported', 'incidentsClosed', 'wishesSubmitted', 'wishesConfirmed', 'disclosuresPublished', 'disclosureCorrectionsPublished'] as const) {
      expect(figures.some((f) => f.sinceYesterday[change] > 0), change).toBe(true);
    }
    const [{ n: visits }] = await t.database.db.select({ n: count() }).from(householdVisits).where(eq(householdVisits.streetId, u.street.id));
    if (visits > 0) expect(figures.some((f) => f.sinceYesterday.visitsLogged > 0)).toBe(true);
  });

  test('without an instant it is now; the visit duty is the visit module\'s, gathered per grid', async () => {
    const before = Date.now();
    const r = await t.gql(DASHBOARD, { street: u.ids.street }, officer);
    expect(r.errors).toBeUndefined();
    const d = r.data.streetDashboard;
    expect(new Date(d.at).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(d.month).toBe(chinaDate().slice(0, 7));
    const expected = await expectedFigures(u.street.id, new Date(d.at));
    expect(d.openIncidents).toEqual(expected.openIncidents);
    expect(d.volunteerService).toEqual(expected.volunteerService);

    const duties = await workerDuties(t.database.db, { streetId: u.street.id }, d.month);
    expect(d.visitDuty.workers).toBe(duties.length);
    expect(d.visitDuty.workersNotMet).toBe(duties.filter((x) => !x.met).length);
    expect(d.visitDuty.workersBelowMinimum).toBe(duties.filter((x) => x.households.done < x.households.due).length);
    const gridIds = [...new Set(duties.map((x) => x.gridId))];
    const streetGrids = await t.database.db.select({ id: grids.id, code: grids.code }).from(grids).where(eq(grids.streetId, u.street.id));
    for (const g of d.visitDuty.byGrid) {
      const grid = streetGrids.find((s) => toGlobalId('Grid', s.id) === g.grid.id);
      expect(grid).toBeDefined();
      const ofGrid = duties.filter((x) => x.gridId === grid!.id);
      expect(g.workers).toBe(ofGrid.length);
      expect(g.workersNotMet).toBe(ofGrid.filter((x) => !x.met).length);
      expect(g.workersBelowMinimum).toBe(ofGrid.filter((x) => x.households.done < x.households.due).length);
      expect(g.specialNotVisited).toBe(ofGrid[0].special.due - ofGrid[0].special.done);
      expect(g.specialOverdue).toBe(ofGrid[0].special.overdue);
      expect(g.dataRefreshOverdue).toBe(ofGrid[0].dataRefresh.overdue);
    }
    const listed = new Set(d.visitDuty.byGrid.map((g: { grid: { code: string } }) => g.grid.code));
    for (const id of gridIds) {
      const ofGrid = duties.filter((x) => x.gridId === id);
      const short = ofGrid.some((x) => !x.met || x.households.done < x.households.due)
        || ofGrid[0].special.due > ofGrid[0].special.done || ofGrid[0].dataRefresh.overdue > 0;
      expect(listed.has(streetGrids.find((s) => s.id === id)!.code)).toBe(short);
    }
  });

  test('a city administrator reads any street; the figures are the street\'s own', async () => {
    const at = INSTANTS[0];
    const r = await t.gql(DASHBOARD, { street: u.ids.otherStreet, at }, admin);
    expect(r.errors).toBeUndefined();
    const expected = await expectedFigures(u.otherStreet.id, new Date(at));
    expect(r.data.streetDashboard.openIncidents).toEqual(expected.openIncidents);
    expect(r.data.streetDashboard.pendingDisclosures).toEqual(expected.pendingDisclosures);
    expect(r.data.streetDashboard.volunteerService).toEqual(expected.volunteerService);
  });
});

describe('pending disclosures', () => {
  test('a compound whose ledger waits for the committee and one whose company submitted nothing are both pending', async () => {
    const db = t.database.db;
    const [grid] = await db.select().from(grids).where(and(eq(grids.streetId, u.street.id), eq(grids.level, 'MICRO'))).orderBy(asc(grids.id)).limit(1);
    const [company] = await db.select().from(propertyContracts).limit(1);
    const last = lastMonthOf(chinaDate());
    const made = await db.insert(compounds).values(['待公示小区', '未报账小区'].map((name) => ({
      districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId, gridId: grid.id, name, address: `${name}1号`,
    }))).returning();
    const contracts = await db.insert(propertyContracts).values(made.map((c) => ({
      compoundId: c.id, companyId: company.companyId, startsOn: '2020-01-01', endsOn: '2030-12-31',
      remunerationKind: 'FIXED_MONTHLY' as const, remunerationMonthlyFen: 500_000,
    }))).returning();
    await db.insert(ledgerMonths).values({
      compoundId: made[0].id, month: last.start, contractId: contracts[0].id,
      openingBalanceFen: 0, incomeFen: 1_000_000, remunerationFen: 500_000, expensesFen: 300_000, closingBalanceFen: 200_000,
    });

    // After the rows are written, as the dashboard shows what was known at its instant; one
    // millisecond on, as the database keeps microseconds and a Date only milliseconds.
    const at = new Date(Date.now() + 1);
    const r = await t.gql(DASHBOARD, { street: u.ids.street, at: at.toISOString() }, officer);
    expect(r.errors).toBeUndefined();
    const pending = r.data.streetDashboard.pendingDisclosures;
    expect(pending.month).toBe(last.start);
    expect(pending.pending).toEqual(expect.arrayContaining([
      { compound: { id: toGlobalId('Compound', made[0].id), name: '待公示小区' }, ledgerSubmitted: true },
      { compound: { id: toGlobalId('Compound', made[1].id), name: '未报账小区' }, ledgerSubmitted: false },
    ]));
    expect(pending).toEqual((await expectedFigures(u.street.id, at)).pendingDisclosures);
  });
});

describe('who may open it', () => {
  test('anonymous viewers, other streets\' officers, community secretaries and grid workers are refused', async () => {
    const [otherCommunity] = await t.database.db.select().from(communities).where(eq(communities.streetId, u.otherStreet.id)).limit(1);
    const refusals: [string | undefined, string][] = [
      [undefined, 'UNAUTHENTICATED'],
      [await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: otherCommunity.id }), 'FORBIDDEN'],
      [await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: u.community.id }), 'FORBIDDEN'],
      [await t.token(Role.GRID_WORKER, { type: 'Grid', key: u.micro.id }), 'FORBIDDEN'],
      [await t.token(Role.STREET_OFFICER, { type: 'Street', key: u.otherStreet.id }), 'FORBIDDEN'],
    ];
    for (const [token, code] of refusals) {
      const r = await t.gql(`query($s: ID!) { streetDashboard(street: $s) { month } }`, { s: u.ids.street }, token);
      expect(r.data?.streetDashboard ?? null).toBeNull();
      expect(r.errors?.[0].extensions?.code).toBe(code);
    }
  });

  test('an ID that is not a street, or of no street, is a malformed argument', async () => {
    const wrongType = await t.gql(`query($s: ID!) { streetDashboard(street: $s) { month } }`, { s: u.ids.community }, admin);
    expect(wrongType.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await t.gql(`query($s: ID!) { streetDashboard(street: $s) { month } }`, { s: toGlobalId('Street', 999_999) }, admin);
    expect(missing.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('cost', () => {
  /** The fewest of three runs: the event hub's poll (every few seconds) may land in one and add a statement. */
  async function statementsFor(streetId: number, at: string) {
    let fewest = Infinity;
    let dashboard;
    for (let run = 0; run < 3; run += 1) {
      const before = t.database.statements.count;
      const r = await t.gql(DASHBOARD, { street: toGlobalId('Street', streetId), at }, admin);
      expect(r.errors).toBeUndefined();
      fewest = Math.min(fewest, t.database.statements.count - before);
      dashboard = r.data.streetDashboard;
    }
    return { statements: fewest, dashboard };
  }

  /** Thousands more open incidents and hundreds more compounds owing a disclosure, in one street. */
  async function enlarge(streetId: number) {
    const db = t.database.db;
    const [grid] = await db.select().from(grids).where(and(eq(grids.streetId, streetId), eq(grids.level, 'MICRO'))).orderBy(asc(grids.id)).limit(1);
    const [contract] = await db.select().from(propertyContracts).limit(1);
    await db.execute(sql`
      insert into ${incidents} (district_id, street_id, community_id, grid_id, category, title, description, reporter_subject, reporter_role, deadline, reported_at)
      select ${grid.districtId}, ${grid.streetId}, ${grid.communityId}, ${grid.id},
        (enum_range(null::incident_category))[1 + n % 8], 'bulk ' || n, 'A bulk incident for the statement count.', 'bulk', 'GRID_WORKER',
        timestamptz '2026-10-20T00:00:00Z' + n * interval '1 minute', timestamptz '2026-09-01T00:00:00Z' + n * interval '5 minutes'
      from generate_series(1, 3000) n`);
    await db.execute(sql`
      insert into ${incidentTransitions} (incident_id, action, to_status, actor_subject, actor_role, at)
      select id, 'REPORT', 'REPORTED', 'bulk', 'GRID_WORKER', reported_at from ${incidents} where reporter_subject = 'bulk'`);
    await db.execute(sql`
      insert into ${compounds} (district_id, street_id, community_id, grid_id, name, address)
      select ${grid.districtId}, ${grid.streetId}, ${grid.communityId}, ${grid.id}, 'bulk compound ' || n, 'bulk address ' || n
      from generate_series(1, 300) n`);
    await db.execute(sql`
      insert into ${propertyContracts} (compound_id, company_id, starts_on, ends_on, remuneration_kind, remuneration_monthly_fen)
      select id, ${contract.companyId}, '2020-01-01', '2030-12-31', 'FIXED_MONTHLY', 100000 from ${compounds} where name like 'bulk compound %'`);
  }

  test('the whole dashboard costs the same few statements for a small and a large street', async () => {
    const at = INSTANTS[0];
    const all = await t.database.db.select({ id: streets.id }).from(streets).orderBy(asc(streets.id));
    const small = await statementsFor(u.street.id, at);
    expect(small.dashboard.visitDuty.byGrid.length).toBeGreaterThan(0);
    expect(small.dashboard.pendingDisclosures.pending.length).toBeGreaterThan(0);
    // The street, one per part, the grids and the compounds shown; the visit duty takes at most three (its contract).
    expect(small.statements).toBeLessThanOrEqual(10);
    for (const { id } of all) expect((await statementsFor(id, at)).statements).toBe(small.statements);

    await enlarge(u.street.id);
    const large = await statementsFor(u.street.id, at);
    expect(large.dashboard.openIncidents.total).toBeGreaterThan(small.dashboard.openIncidents.total + 2900);
    expect(large.dashboard.pendingDisclosures.pending.length).toBe(small.dashboard.pendingDisclosures.pending.length + 300);
    expect(large.statements).toBe(small.statements);
  });
});
