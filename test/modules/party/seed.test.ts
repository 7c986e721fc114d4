/**
 * The demo city's party, micro-wish and love-bank seeds (issue 5 point 9), checked on the
 * city every test file starts from, so that this file seeds nothing whole: determinism is
 * checked by seeding these parts again, in a transaction that is rolled back, and comparing
 * them with what the test run's global setup seeded in another process.
 */
import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTokens } from '../../../src/auth/demo-tokens';
import { Role } from '../../../src/auth/roles';
import { chinaDate } from '../../../src/calendar';
import { rowsOf, type Database, type Queryable } from '../../../src/db/client';
import { SEED_REFERENCE_DATE, SEED_TIMESTAMP } from '../../../src/modules/grid/grid.seed';
import { pledgeProblem } from '../../../src/modules/party/commitment.rules';
import { seedParty } from '../../../src/modules/party/party.seed';
import { pointsFor } from '../../../src/modules/volunteer/bank.amounts';
import { unbalancedMovements } from '../../../src/modules/volunteer/bank.ledger';
import { seedLoveBank, seedVolunteers } from '../../../src/modules/volunteer/volunteer.seed';
import { ACTORS, nextStatus, type TransitionAction, type WishAction, type WishStatus } from '../../../src/modules/wish/wish.machine';
import { seedWishes } from '../../../src/modules/wish/wish.seed';
import { wishStatus } from '../../../src/modules/wish/wish.tables';
import { openTestDatabase } from '../../helpers/database';

let database: Database;

async function rows<T>(query: SQL, db: Queryable = database.db): Promise<T[]> {
  return rowsOf<T>(db, query);
}

async function one<T>(query: SQL, db: Queryable = database.db): Promise<T> {
  return (await rows<T>(query, db))[0];
}

const END = SEED_TIMESTAMP.getTime();
/** The reference moment as an SQL value (postgres.js takes no Date in raw SQL). */
const REFERENCE = sql`${SEED_TIMESTAMP.toISOString()}::timestamptz`;
const YEAR_START = END - 365 * 86_400_000;
const time = (value: string | Date) => new Date(value).getTime();

/** The tables these seeds fill, and what orders their rows. */
const SEEDED_TABLES = [
  'reporting_units', 'party_members', 'report_ins', 'community_list_items', 'participations', 'commitments', 'commitment_ratings',
  'volunteers', 'volunteer_teams', 'team_memberships', 'volunteer_activities', 'activity_signups', 'wishes', 'wish_transitions',
  'point_rates', 'merchants', 'merchant_items', 'bank_accounts', 'redemptions', 'ledger_movements', 'ledger_entries',
];

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('the party seed', () => {
  it('registers every resident tagged PARTY_MEMBER, placed in their grid and their building group or else grid branch', async () => {
    const stray = await one<Record<string, number>>(sql`select
      (select count(*)::int from residents r where 'PARTY_MEMBER' = any(r.tags)
        and (select count(*) from party_members m where m.resident_id = r.id) <> 1) as unregistered,
      (select count(*)::int from party_members m join residents r on r.id = m.resident_id
        where m.kind <> 'RESIDENT' or not ('PARTY_MEMBER' = any(r.tags)) or m.grid_id <> r.grid_id or m.community_id <> r.community_id
          or m.street_id <> r.street_id or m.district_id <> r.district_id or m.name <> r.name or m.phone is distinct from r.phone) as misplaced,
      (select count(*)::int from party_members m join residents r on r.id = m.resident_id join households h on h.id = r.household_id
        join grids g on g.id = m.grid_id
        left join party_organisations grp on grp.building_id = h.building_id and grp.kind = 'BUILDING_GROUP'
        left join party_organisations branch on branch.grid_id = g.parent_grid_id and branch.kind = 'GRID_BRANCH'
        where m.organisation_id is distinct from coalesce(grp.id, branch.id)) as misorganised,
      (select count(*)::int from party_members where (duty is not null) <> shows_identity or (duty is not null and duty not like '党员先锋岗 · %')) as duties,
      (select count(*)::int from party_members where subject is distinct from 'party-member-' || id) as subjects`);
    expect(stray).toEqual({ unregistered: 0, misplaced: 0, misorganised: 0, duties: 0, subjects: 0 });
    const shown = await one<{ share: number; members: number }>(sql`
      select avg(shows_identity::int)::float8 as share, count(*)::int as members from party_members where kind = 'RESIDENT'`);
    expect(shown.members).toBeGreaterThan(250);
    expect(shown.share).toBeGreaterThan(0.4);
    expect(shown.share).toBeLessThan(0.65);
  });

  it('has about ten reporting units per street, each with 5–15 in-service members, all reporting in', async () => {
    const streets = await rows<{ street: number; units: number }>(sql`
      select s.id as street, count(distinct r.unit_id)::int as units from streets s
      left join report_ins r on r.street_id = s.id and r.unit_id is not null and r.withdrawn_at is null group by s.id`);
    expect(streets).toHaveLength(3);
    for (const s of streets) {
      expect(s.units, `street ${s.street}`).toBeGreaterThanOrEqual(7);
      expect(s.units, `street ${s.street}`).toBeLessThanOrEqual(12);
    }
    const units = await rows<{ id: number; members: number; active: number; streets: number }>(sql`
      select u.id, (select count(*)::int from party_members m where m.work_unit_id = u.id) as members,
        (select count(*)::int from report_ins r where r.unit_id = u.id and r.withdrawn_at is null) as active,
        (select count(distinct r.street_id)::int from report_ins r where r.unit_id = u.id) as streets
      from reporting_units u`);
    for (const u of units) {
      expect(u.members, `unit ${u.id}`).toBeGreaterThanOrEqual(5);
      expect(u.members, `unit ${u.id}`).toBeLessThanOrEqual(15);
      expect([1, 2], `unit ${u.id}`).toContain(u.active);
      expect(u.streets, `unit ${u.id}`).toBe(1);
    }
    const names = await one<{ names: number; units: number }>(sql`select count(distinct name)::int as names, count(*)::int as units from reporting_units`);
    expect(names.names).toBe(names.units);
    const kinds = await rows<{ kind: string }>(sql`select distinct kind::text from reporting_units`);
    expect(kinds.length).toBeGreaterThanOrEqual(4);

    // In-service members (在职党员): organised at work, placed in the micro grid they live in, reporting in once where they live.
    const inService = await one<Record<string, number>>(sql`select
      (select count(*)::int from party_members m join grids g on g.id = m.grid_id where m.kind = 'IN_SERVICE'
        and (m.organisation_id is not null or m.resident_id is not null or m.work_unit_id is null or g.level <> 'MICRO' or g.community_id <> m.community_id)) as misplaced,
      (select count(*)::int from party_members m where m.kind = 'IN_SERVICE'
        and (select count(*) from report_ins r where r.member_id = m.id and r.withdrawn_at is null and r.community_id = m.community_id) <> 1) as "notReported",
      (select count(*)::int from report_ins r join party_members m on m.id = r.member_id where r.withdrawn_at is null
        and (r.grid_id is not null and r.grid_id <> m.grid_id and r.grid_id <> (select parent_grid_id from grids where id = m.grid_id))) as "elsewhere",
      (select count(*)::int from party_members m where m.kind = 'RESIDENT' and exists (select 1 from report_ins r where r.member_id = m.id)) as "residentReportIns"`);
    expect(inService).toEqual({ misplaced: 0, notReported: 0, elsewhere: 0, residentReportIns: 0 });
  });

  it('puts report-ins in their community, at a grid or building of it, and withdraws an old one before the new one', async () => {
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from report_ins r left join grids g on g.id = r.grid_id left join buildings b on b.id = r.building_id
        where (g.id is not null and g.community_id <> r.community_id) or (b.id is not null and b.grid_id is distinct from r.grid_id)
          or (r.district_id, r.street_id) <> (select district_id, street_id from communities c where c.id = r.community_id)
          or r.reported_at >= ${REFERENCE}) as misplaced,
      (select count(*)::int from report_ins w where w.withdrawn_at is not null and (w.withdrawn_at <= w.reported_at or not exists (
        select 1 from report_ins r where r.withdrawn_at is null and r.reported_at > w.withdrawn_at and r.community_id <> w.community_id
          and (r.unit_id = w.unit_id or r.member_id = w.member_id)))) as "badWithdrawals",
      (select count(*)::int from report_ins where withdrawn_at is not null) as withdrawn,
      (select count(*)::int from report_ins where building_id is not null) as buildings,
      (select count(*)::int from report_ins where grid_id is null) as communities`);
    expect(bad).toMatchObject({ misplaced: 0, badWithdrawals: 0 });
    expect(bad.withdrawn).toBeGreaterThan(0);
    expect(bad.buildings).toBeGreaterThan(0);
    expect(bad.communities).toBeGreaterThan(0);
  });

  it('keeps each community\'s three lists: needs, the resources its units offer, and projects matching them, some closed', async () => {
    const lists = await rows<{ community: number; needs: number; resources: number; projects: number }>(sql`
      select c.id as community,
        count(*) filter (where i.kind = 'NEED')::int as needs, count(*) filter (where i.kind = 'RESOURCE')::int as resources,
        count(*) filter (where i.kind = 'PROJECT')::int as projects
      from communities c left join community_list_items i on i.community_id = c.id group by c.id`);
    for (const l of lists) {
      expect(l.needs, `community ${l.community}`).toBeGreaterThanOrEqual(5);
      expect(l.needs, `community ${l.community}`).toBeLessThanOrEqual(8);
      expect(l.resources, `community ${l.community}`).toBeGreaterThanOrEqual(1);
    }
    expect(lists.filter((l) => l.projects > 0).length).toBeGreaterThanOrEqual(lists.length - 1);
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from community_list_items i join report_ins r on r.id = i.report_in_id
        where i.kind = 'RESOURCE' and (r.community_id <> i.community_id or r.unit_id is null or r.withdrawn_at is not null)) as resources,
      (select count(*)::int from community_list_items p
        left join community_list_items n on n.id = p.need_id left join community_list_items s on s.id = p.resource_id
        where p.kind = 'PROJECT' and (n.kind is distinct from 'NEED' or s.kind is distinct from 'RESOURCE' or n.community_id <> p.community_id
          or s.community_id <> p.community_id or s.report_in_id <> p.report_in_id)) as projects,
      (select count(*)::int from community_list_items n where n.kind = 'NEED' and n.closed_at is not null
        and not exists (select 1 from community_list_items p where p.need_id = n.id and p.closed_at = n.closed_at)) as "closedNeeds",
      (select count(*)::int from community_list_items i where (i.kind = 'NEED') <> (i.report_in_id is null)
        or (i.kind = 'PROJECT') <> (i.need_id is not null) or (i.kind = 'PROJECT') <> (i.resource_id is not null)) as shape,
      (select count(*)::int from community_list_items where kind = 'PROJECT' and closed_at is not null) as closed,
      (select count(*)::int from community_list_items where kind = 'PROJECT' and closed_at is null) as running`);
    expect(bad).toMatchObject({ resources: 0, projects: 0, closedNeeds: 0, shape: 0 });
    expect(bad.closed).toBeGreaterThan(0);
    expect(bad.running).toBeGreaterThan(0);
  });

  it('records about ten participations a year per report-in, each while it was active', async () => {
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from participations p join report_ins r on r.id = p.report_in_id
        where (p.district_id, p.street_id, p.community_id) <> (r.district_id, r.street_id, r.community_id) or r.withdrawn_at is not null
          or p.occurred_on < ((r.reported_at at time zone 'UTC') + interval '8 hours')::date or p.occurred_on >= ${SEED_REFERENCE_DATE}) as "outsideReportIn",
      (select count(*)::int from participations p join community_list_items i on i.id = p.project_id
        where i.report_in_id <> p.report_in_id or p.occurred_on > ((i.closed_at at time zone 'UTC') + interval '8 hours')::date) as "outsideProject",
      (select count(*)::int from participations p where p.wish_id is null
        and (p.occurred_on < ${chinaDate(new Date(YEAR_START))} or p.recorded_by <> 'secretary-' || p.community_id or p.hours <= 0 or p.hours > 24)) as plain`);
    expect(bad).toEqual({ outsideReportIn: 0, outsideProject: 0, plain: 0 });
    const counts = await one<{ active: number; plain: number; projects: number; tenths: number }>(sql`select
      (select count(*)::int from report_ins where withdrawn_at is null) as active,
      (select count(*)::int from participations where wish_id is null) as plain,
      (select count(*)::int from participations where project_id is not null) as projects,
      (select count(*)::int from participations where wish_id is null and extract(day from occurred_on) = 10) as tenths`);
    expect(counts.plain / counts.active).toBeGreaterThan(6);
    expect(counts.plain / counts.active).toBeLessThan(14);
    expect(counts.projects).toBeGreaterThan(0);
    // Lin'an's city party building day on the 10th of each month (004) draws more than any other day.
    expect(counts.tenths / counts.plain).toBeGreaterThan(0.2);
  });

  it('hangs commitments for about two in five resident members, judged by the other households of the building', async () => {
    const share = await one<{ share: number }>(sql`
      select (select count(distinct member_id) from commitments)::float8 / (select count(*) from party_members where kind = 'RESIDENT') as share`);
    expect(share.share).toBeGreaterThan(0.3);
    expect(share.share).toBeLessThan(0.5);
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from commitments c join party_members m on m.id = c.member_id join buildings b on b.id = c.building_id
        where m.kind <> 'RESIDENT' or b.grid_id <> m.grid_id or c.grid_id <> m.grid_id
          or (c.district_id, c.street_id, c.community_id) <> (m.district_id, m.street_id, m.community_id)
          or c.hung_at >= ${REFERENCE} or c.withdrawn_at <= c.hung_at or c.withdrawn_at >= ${REFERENCE}) as misplaced,
      (select count(*)::int from commitment_ratings x join commitments c on c.id = x.commitment_id join households h on h.id = x.household_id
        join party_members m on m.id = c.member_id join residents r on r.id = m.resident_id
        where h.building_id <> c.building_id or h.id = r.household_id or x.rated_by <> 'resident-' || h.id) as "strayRatings"`);
    expect(bad).toEqual({ misplaced: 0, strayRatings: 0 });
    for (const { pledge } of await rows<{ pledge: string }>(sql`select distinct pledge from commitments`)) expect(pledgeProblem(pledge), pledge).toBeNull();
    const ratings = await one<{ kept: number; n: number; rated: number }>(sql`
      select avg(kept::int)::float8 as kept, count(*)::int as n, count(distinct commitment_id)::int as rated from commitment_ratings`);
    expect(ratings.kept).toBeGreaterThan(0.75);
    expect(ratings.kept).toBeLessThan(0.95);
    expect(ratings.n).toBeGreaterThan(ratings.rated);
  });
});

describe('the wish seed', () => {
  it('has about three wishes a micro grid, in every state in every community, where their household is', async () => {
    const per = await one<{ perGrid: number }>(sql`
      select (select count(*) from wishes)::float8 / (select count(*) from grids where level = 'MICRO') as "perGrid"`);
    expect(per.perGrid).toBeGreaterThan(2);
    expect(per.perGrid).toBeLessThan(4);
    const states = await rows<{ community: number; states: string[] }>(sql`
      select c.id as community, array_agg(distinct w.status::text order by w.status::text) as states
      from communities c left join wishes w on w.community_id = c.id group by c.id`);
    for (const s of states) expect(s.states, `community ${s.community}`).toEqual([...wishStatus.enumValues].sort());
    const stray = await one<{ n: number }>(sql`select count(*)::int as n from wishes w join households h on h.id = w.household_id
      where (w.district_id, w.street_id, w.community_id, w.grid_id, w.building_id) <> (h.district_id, h.street_id, h.community_id, h.grid_id, h.building_id)`);
    expect(stray.n).toBe(0);
  });

  it('sets the claimant columns exactly when the wish is claimed, and each timestamp by its step', async () => {
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from wishes where (claimant_kind is not null) <> (status in ('CLAIMED', 'FULFILLED', 'CONFIRMED', 'DISPUTED'))
        or (claimant_kind = 'PARTY_MEMBER') <> (claimant_member_id is not null) or (claimant_kind = 'VOLUNTEER') <> (claimant_volunteer_id is not null)
        or (claimant_kind = 'UNIT') <> (claimant_unit_id is not null)) as claimants,
      (select count(*)::int from wishes where (decline_reason is not null) <> (status = 'DECLINED')
        or (closed_at is not null) <> (status in ('DECLINED', 'CONFIRMED')) or (published_at is null) <> (status in ('SUBMITTED', 'DECLINED'))
        or (claimed_at is not null) <> (claimant_kind is not null) or (fulfilled_at is not null) <> (status in ('FULFILLED', 'CONFIRMED', 'DISPUTED'))
        or (hours_spent is not null) <> (fulfilled_at is not null)) as columns,
      (select count(*)::int from wishes w join party_members m on m.id = w.claimant_member_id where m.community_id <> w.community_id) as "memberElsewhere",
      (select count(*)::int from wishes w join volunteers v on v.id = w.claimant_volunteer_id where v.community_id <> w.community_id or v.party_member_id is not null) as "volunteerElsewhere",
      (select count(*)::int from wishes w where w.claimant_unit_id is not null and not exists (select 1 from report_ins r
        where r.unit_id = w.claimant_unit_id and r.community_id = w.community_id and r.withdrawn_at is null and r.reported_at < w.claimed_at)) as "unitNotReported"`);
    expect(bad).toEqual({ claimants: 0, columns: 0, memberElsewhere: 0, volunteerElsewhere: 0, unitNotReported: 0 });
    const kinds = await rows<{ kind: string }>(sql`select distinct claimant_kind::text as kind from wishes where claimant_kind is not null`);
    expect(kinds.map((k) => k.kind).sort()).toEqual(['PARTY_MEMBER', 'UNIT', 'VOLUNTEER']);
  });

  it('gives every wish a timeline that walks the state machine from SUBMIT to its state, in time, by the right people', async () => {
    const wishRows = await rows<{
      id: number; status: WishStatus; version: number; householdId: number; communityId: number; submitterSubject: string; submitterRole: string;
      submittedAt: string; publishedAt: string | null; claimedAt: string | null; fulfilledAt: string | null; closedAt: string | null;
      hoursSpent: string | null; declineReason: string | null; claimant: string | null;
    }>(sql`
      select w.id, w.status, w.version, w.household_id as "householdId", w.community_id as "communityId", w.submitter_subject as "submitterSubject",
        w.submitter_role as "submitterRole", w.submitted_at as "submittedAt", w.published_at as "publishedAt", w.claimed_at as "claimedAt",
        w.fulfilled_at as "fulfilledAt", w.closed_at as "closedAt", w.hours_spent::text as "hoursSpent", w.decline_reason as "declineReason",
        coalesce(m.subject, v.subject, case when w.claimant_unit_id is not null then 'secretary-' || w.community_id end) as claimant
      from wishes w left join party_members m on m.id = w.claimant_member_id left join volunteers v on v.id = w.claimant_volunteer_id`);
    const steps = await rows<{ id: number; wishId: number; action: WishAction; from: WishStatus | null; to: WishStatus; subject: string; role: Role; note: string | null; hours: string | null; at: string }>(sql`
      select id, wish_id as "wishId", action, from_status as "from", to_status as "to", actor_subject as subject, actor_role as role, note,
        hours::text as hours, at from wish_transitions order by wish_id, id`);
    const timelines = new Map<number, typeof steps>();
    for (const s of steps) timelines.set(s.wishId, [...(timelines.get(s.wishId) ?? []), s]);
    expect(timelines.size).toBe(wishRows.length);
    for (const w of wishRows) {
      const where = `wish ${w.id}`;
      const timeline = timelines.get(w.id)!;
      expect(timeline[0], where).toMatchObject({ action: 'SUBMIT', from: null, to: 'SUBMITTED', subject: w.submitterSubject, role: w.submitterRole });
      expect(time(timeline[0].at), where).toBe(time(w.submittedAt));
      let status: WishStatus = 'SUBMITTED';
      for (const [k, s] of timeline.entries()) {
        expect(ACTORS[s.action], `${where} ${s.action}`).toContain(s.role);
        expect(time(s.at), where).toBeLessThan(END);
        if (k === 0) continue;
        expect(time(s.at), where).toBeGreaterThan(time(timeline[k - 1].at));
        expect(s.from, where).toBe(status);
        status = nextStatus(status, s.action as TransitionAction)!;
        expect(s.to, `${where} ${s.action}`).toBe(status);
        if (s.action === 'PUBLISH' || s.action === 'DECLINE') expect(s.subject, where).toBe(`secretary-${w.communityId}`);
        if (s.action === 'CLAIM' || s.action === 'FULFIL') expect(s.subject, where).toBe(w.claimant);
        if (s.action === 'CONFIRM' || s.action === 'DISPUTE') expect(s.subject, where).toBe(`resident-${w.householdId}`);
        if (s.action === 'DECLINE' || s.action === 'DISPUTE') expect(s.note, where).toBeTruthy();
        expect(s.hours !== null, where).toBe(s.action === 'FULFIL');
      }
      expect(status, where).toBe(w.status);
      expect(timeline.length, where).toBe(w.version);
      const lastOf = (action: WishAction) => timeline.filter((s) => s.action === action).at(-1);
      const at = (action: WishAction) => (lastOf(action) ? time(lastOf(action)!.at) : null);
      expect(w.publishedAt && time(w.publishedAt), where).toBe(at('PUBLISH'));
      expect(w.claimedAt && time(w.claimedAt), where).toBe(at('CLAIM'));
      expect(w.fulfilledAt && time(w.fulfilledAt), where).toBe(at('FULFIL'));
      expect(w.closedAt && time(w.closedAt), where).toBe(at('CONFIRM') ?? at('DECLINE'));
      expect(w.hoursSpent, where).toBe(lastOf('FULFIL')?.hours ?? null);
      expect(w.declineReason, where).toBe(lastOf('DECLINE')?.note ?? null);
    }
    // Timeline ids in the order of time, as if entered live; some wishes went through a dispute and were fulfilled again.
    const byId = [...steps].sort((a, b) => a.id - b.id);
    for (let i = 1; i < byId.length; i += 1) expect(time(byId[i].at)).toBeGreaterThanOrEqual(time(byId[i - 1].at));
    expect(wishRows.some((w) => w.status === 'CONFIRMED' && timelines.get(w.id)!.some((s) => s.action === 'DISPUTE'))).toBe(true);
  });

  it('counts a confirmed wish of a unit, or of a member reported in to the community, as a participation of that report-in', async () => {
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from wishes w where w.status = 'CONFIRMED' and (w.claimant_unit_id is not null or exists (select 1 from report_ins r
          where r.member_id = w.claimant_member_id and r.community_id = w.community_id and r.withdrawn_at is null))
        and not exists (select 1 from participations p join report_ins r on r.id = p.report_in_id where p.wish_id = w.id
          and (r.unit_id = w.claimant_unit_id or r.member_id = w.claimant_member_id) and r.community_id = w.community_id
          and p.occurred_on = ((w.fulfilled_at at time zone 'UTC') + interval '8 hours')::date and p.hours = w.hours_spent and p.recorded_by = 'resident-' || w.household_id)) as missing,
      (select count(*)::int from participations p join wishes w on w.id = p.wish_id where w.status <> 'CONFIRMED' or w.claimant_volunteer_id is not null) as extra,
      (select count(*)::int from participations where wish_id is not null) as counted`);
    expect(bad).toMatchObject({ missing: 0, extra: 0 });
    expect(bad.counted).toBeGreaterThan(0);
  });
});

describe('the volunteer and love bank seeds', () => {
  it('registers about 4% of the residents, and a record for every party member whose service is banked', async () => {
    const counts = await one<{ plain: number; residents: number; members: number; strays: number; unbanked: number }>(sql`select
      (select count(*)::int from volunteers where party_member_id is null) as plain,
      (select count(*)::int from residents where not ('PARTY_MEMBER' = any(tags))) as residents,
      (select count(*)::int from volunteers where party_member_id is not null) as members,
      (select count(*)::int from volunteers v left join residents r on r.id = v.resident_id left join party_members m on m.id = v.party_member_id
        where (v.party_member_id is null) <> (v.subject is not null) or (v.party_member_id is null and v.subject <> 'volunteer-' || v.id)
          or (m.id is not null and (m.resident_id is distinct from v.resident_id or m.name <> v.name or m.community_id <> v.community_id))
          or (m.id is null and (r.id is null or r.name <> v.name or r.community_id <> v.community_id or 'PARTY_MEMBER' = any(r.tags)))) as strays,
      (select count(*)::int from volunteers v where v.party_member_id is not null and not exists (select 1 from bank_accounts a
        join ledger_entries e on e.account_id = a.id where a.volunteer_id = v.id and e.asset = 'HOURS' and e.amount > 0)) as unbanked`);
    expect(counts.plain / counts.residents).toBeGreaterThan(0.03);
    expect(counts.plain / counts.residents).toBeLessThan(0.05);
    expect(counts.members).toBeGreaterThan(50);
    expect(counts).toMatchObject({ strays: 0, unbanked: 0 });
  });

  it('gives every community two to four teams, each with its leader among its members', async () => {
    const teams = await rows<{ community: number; teams: number }>(sql`
      select c.id as community, count(t.id)::int as teams from communities c left join volunteer_teams t on t.community_id = c.id group by c.id`);
    for (const t of teams) {
      expect(t.teams, `community ${t.community}`).toBeGreaterThanOrEqual(2);
      expect(t.teams, `community ${t.community}`).toBeLessThanOrEqual(4);
    }
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from volunteer_teams t where t.leader_id is null
        or not exists (select 1 from team_memberships m where m.team_id = t.id and m.volunteer_id = t.leader_id)) as leaderless,
      (select count(*)::int from team_memberships m join volunteer_teams t on t.id = m.team_id join volunteers v on v.id = m.volunteer_id
        where v.community_id <> t.community_id or m.joined_at >= ${REFERENCE}) as strays,
      (select count(*)::int from volunteer_teams t join volunteers v on v.id = t.leader_id
        where t.name like '%党员先锋服务队' and v.party_member_id is null) as "partyTeamLedByNonMember"`);
    expect(bad).toEqual({ leaderless: 0, strays: 0, partyTeamLedByNonMember: 0 });
  });

  it('holds a year of activities with sign-ups within capacity and confirmed attendance, and the coming ones open', async () => {
    const activities = await rows<{
      id: number; status: string; startsAt: string; endsAt: string; capacity: number; live: number; attended: number; unconfirmed: number;
      organiser: string; leader: string; community: number; badGrid: boolean;
    }>(sql`
      select a.id, a.status, a.starts_at as "startsAt", a.ends_at as "endsAt", a.capacity,
        count(s.id) filter (where s.cancelled_at is null)::int as live, count(s.attendance_confirmed_at)::int as attended,
        count(s.id) filter (where s.cancelled_at is null and s.attendance_confirmed_at is null)::int as unconfirmed,
        a.organiser_subject as organiser, coalesce(m.subject, v.subject) as leader, a.community_id as community,
        (a.grid_id is not null and not exists (select 1 from grids g where g.id = a.grid_id and g.community_id = a.community_id)) as "badGrid"
      from volunteer_activities a join volunteer_teams t on t.id = a.team_id and t.community_id = a.community_id
      join volunteers v on v.id = t.leader_id left join party_members m on m.id = v.party_member_id
      left join activity_signups s on s.activity_id = a.id group by a.id, m.subject, v.subject`);
    const all = await one<{ n: number }>(sql`select count(*)::int as n from volunteer_activities`);
    expect(activities).toHaveLength(all.n);
    for (const a of activities) {
      const where = `activity ${a.id}`;
      expect(a.live, where).toBeLessThanOrEqual(a.capacity);
      expect(time(a.endsAt), where).toBeGreaterThan(time(a.startsAt));
      expect([a.leader, `secretary-${a.community}`], where).toContain(a.organiser);
      expect(a.badGrid, where).toBe(false);
      if (time(a.startsAt) >= END || a.status === 'CANCELLED') expect(a.attended, where).toBe(0);
      if (time(a.startsAt) >= END) expect(a.status, where).toBe('OPEN');
    }
    const past = activities.filter((a) => time(a.startsAt) < END && a.status === 'OPEN');
    const ahead = activities.filter((a) => time(a.startsAt) >= END);
    expect(past.length).toBeGreaterThan(250);
    expect(ahead.length).toBeGreaterThan(20);
    expect(ahead.some((a) => a.live > 0 && a.live < a.capacity)).toBe(true);
    // Most who signed up came and had it confirmed; the last days' activities may still wait for the organiser.
    const came = past.reduce((s, a) => s + a.attended, 0) / past.reduce((s, a) => s + a.live, 0);
    expect(came).toBeGreaterThan(0.8);
    expect(came).toBeLessThan(1);
    for (const c of new Set(activities.map((a) => a.community))) {
      const months = new Set(past.filter((a) => a.community === c).map((a) => chinaDate(new Date(a.startsAt)).slice(0, 7)));
      expect(months.size, `community ${c}`).toBeGreaterThanOrEqual(11);
      expect(ahead.some((a) => a.community === c), `community ${c}`).toBe(true);
    }

    const signups = await one<Record<string, number>>(sql`select
      (select count(*)::int from activity_signups s join volunteer_activities a on a.id = s.activity_id
        where s.signed_up_at >= a.starts_at or s.signed_up_at >= ${REFERENCE}
          or (s.cancelled_at is not null and (s.cancelled_at <= s.signed_up_at or s.cancelled_at >= a.starts_at or s.attended_hours is not null))) as times,
      (select count(*)::int from activity_signups s join volunteer_activities a on a.id = s.activity_id
        where (s.attended_hours is null) <> (s.attendance_confirmed_at is null) or (s.attended_hours is null) <> (s.movement_id is null)
          or s.attended_hours <= 0 or s.attended_hours * interval '1 hour' > a.ends_at - a.starts_at
          or s.attendance_confirmed_at <= a.ends_at or s.attendance_confirmed_at >= ${REFERENCE}) as attendance,
      (select count(*)::int from activity_signups s join volunteer_activities a on a.id = s.activity_id join volunteers v on v.id = s.volunteer_id
        where v.community_id <> a.community_id) as strays,
      (select count(*)::int from activity_signups where cancelled_at is not null) as cancelled`);
    expect(signups).toMatchObject({ times: 0, attendance: 0, strays: 0 });
    expect(signups.cancelled).toBeGreaterThan(0);
  });

  it('balances every movement, per asset, with whole points and each entry on its movement\'s day', async () => {
    const { movements, entries, unbalanced } = await unbalancedMovements(database.db);
    expect(unbalanced).toEqual([]);
    expect(movements).toBeGreaterThan(2000);
    expect(entries).toBeGreaterThan(4 * 2000);
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from ledger_entries e join ledger_movements m on m.id = e.movement_id where e.occurred_on <> m.occurred_on) as days,
      (select count(*)::int from ledger_entries where amount = 0 or (asset = 'POINTS' and amount <> trunc(amount))) as amounts,
      (select count(*)::int from ledger_movements m where m.occurred_on >= ${SEED_REFERENCE_DATE} or m.created_at >= ${REFERENCE}
        or ((m.created_at at time zone 'UTC') + interval '8 hours')::date < m.occurred_on) as moments,
      (select count(*)::int from (select id, created_at, lag(created_at) over (order by id) as before from ledger_movements) x
        where x.created_at < x.before) as "outOfOrder",
      (select count(*)::int from ledger_movements where reverses_id is not null or kind = 'REVERSAL') as reversals`);
    expect(bad).toEqual({ days: 0, amounts: 0, moments: 0, outOfOrder: 0, reversals: 0 });
  });

  it('never lets a volunteer\'s or merchant\'s balance go below zero, entry after entry', async () => {
    const negative = await one<{ n: number; accounts: number }>(sql`
      select count(*) filter (where running < 0)::int as n, count(distinct account_id)::int as accounts from (
        select e.account_id, sum(e.amount) over (partition by e.account_id, e.asset order by e.id) as running
        from ledger_entries e join bank_accounts a on a.id = e.account_id where a.kind in ('VOLUNTEER', 'MERCHANT')) x`);
    expect(negative.n).toBe(0);
    const accounts = await one<Record<string, number>>(sql`select
      (select count(*)::int from bank_accounts where kind in ('SERVICE_SOURCE', 'POINTS_ISSUED')) as system,
      (select count(*)::int from merchants m where (select count(*) from bank_accounts a where a.merchant_id = m.id and a.kind = 'MERCHANT') <> 1) as merchants,
      (select count(*)::int from bank_accounts a where a.kind = 'VOLUNTEER' and not exists (select 1 from ledger_entries e where e.account_id = a.id)) as idle,
      (select count(*)::int from bank_accounts a where a.kind in ('VOLUNTEER', 'MERCHANT') and a.created_at > (select min(m.created_at) from ledger_entries e
        join ledger_movements m on m.id = e.movement_id where e.account_id = a.id)) as "openedLate"`);
    expect(accounts).toEqual({ system: 2, merchants: 0, idle: 0, openedLate: 0 });
    expect(negative.accounts).toBeGreaterThan(200);
  });

  it('credits each confirmed attendance once, at the rate of the activity\'s day', async () => {
    const credits = await rows<{
      signup: number; movements: number; kind: string | null; hours: string; day: string; startsAt: string; rate: number | null; actor: string | null;
      organiser: string; entries: number; volunteerHours: string; volunteerPoints: string; sourceHours: string; issuedPoints: string;
    }>(sql`
      with sums as (
        select e.movement_id, count(*)::int as entries, max(a.volunteer_id) as volunteer,
          sum(e.amount) filter (where a.kind = 'VOLUNTEER' and e.asset = 'HOURS')::text as "volunteerHours",
          sum(e.amount) filter (where a.kind = 'VOLUNTEER' and e.asset = 'POINTS')::text as "volunteerPoints",
          sum(e.amount) filter (where a.kind = 'SERVICE_SOURCE' and e.asset = 'HOURS')::text as "sourceHours",
          sum(e.amount) filter (where a.kind = 'POINTS_ISSUED' and e.asset = 'POINTS')::text as "issuedPoints"
        from ledger_entries e join bank_accounts a on a.id = e.account_id group by e.movement_id)
      select s.id as signup, (select count(*)::int from ledger_movements x where x.signup_id = s.id) as movements, m.kind,
        s.attended_hours::text as hours, m.occurred_on::text as day, a.starts_at as "startsAt", m.points_per_hour as rate,
        m.actor_subject as actor, a.organiser_subject as organiser, x.entries, x."volunteerHours", x."volunteerPoints", x."sourceHours", x."issuedPoints"
      from activity_signups s join volunteer_activities a on a.id = s.activity_id left join ledger_movements m on m.id = s.movement_id
      left join sums x on x.movement_id = m.id and x.volunteer = s.volunteer_id
      where s.attendance_confirmed_at is not null`);
    const rates = await rows<{ from: string; rate: number }>(sql`select effective_from::text as "from", points_per_hour as rate from point_rates order by effective_from desc`);
    expect(rates.map((r) => r.rate)).toEqual([12, 10]);
    const used = new Set<number>();
    for (const c of credits) {
      const where = `signup ${c.signup}`;
      const day = chinaDate(new Date(c.startsAt));
      const rate = rates.find((r) => r.from <= day)!.rate;
      used.add(rate);
      const points = pointsFor(c.hours, rate);
      expect(c, where).toMatchObject({ movements: 1, kind: 'ATTENDANCE', day, rate, entries: 4, actor: c.organiser });
      expect([Number(c.volunteerHours), Number(c.sourceHours), Number(c.volunteerPoints), Number(c.issuedPoints)], where)
        .toEqual([Number(c.hours), -Number(c.hours), points, -points]);
    }
    expect([...used].sort()).toEqual([10, 12]);
    const orphans = await one<{ n: number }>(sql`select count(*)::int as n from ledger_movements m left join activity_signups s on s.movement_id = m.id
      where m.kind = 'ATTENDANCE' and s.id is null`);
    expect(orphans.n).toBe(0);
  });

  it('credits each confirmed wish of a member or volunteer to their record, on the day it was fulfilled', async () => {
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from wishes w where w.status = 'CONFIRMED' and w.claimant_kind in ('PARTY_MEMBER', 'VOLUNTEER')
        and (select count(*) from ledger_movements m join ledger_entries e on e.movement_id = m.id join bank_accounts a on a.id = e.account_id
          join volunteers v on v.id = a.volunteer_id
          where m.wish_id = w.id and m.kind = 'WISH' and m.occurred_on = ((w.fulfilled_at at time zone 'UTC') + interval '8 hours')::date
            and m.actor_subject = 'resident-' || w.household_id and m.actor_role = 'RESIDENT' and e.asset = 'HOURS' and e.amount = w.hours_spent
            and (v.id = w.claimant_volunteer_id or v.party_member_id = w.claimant_member_id)) <> 1) as uncredited,
      (select count(*)::int from ledger_movements m join wishes w on w.id = m.wish_id where m.kind <> 'WISH' or w.status <> 'CONFIRMED' or w.claimant_kind = 'UNIT') as extra,
      (select count(*)::int from ledger_movements where kind = 'WISH') as credited`);
    expect(bad).toMatchObject({ uncredited: 0, extra: 0 });
    expect(bad.credited).toBeGreaterThan(0);
  });

  it('redeems points at the merchants of the volunteer\'s street, at the item\'s price, within stock', async () => {
    const bad = await one<Record<string, number>>(sql`select
      (select count(*)::int from redemptions r join merchant_items i on i.id = r.item_id join merchants m on m.id = r.merchant_id
        join volunteers v on v.id = r.volunteer_id
        where i.merchant_id <> r.merchant_id or r.points <> i.price_points * r.quantity or m.street_id <> v.street_id or r.redeemed_at >= ${REFERENCE}
          or (select count(*) from ledger_movements x where x.redemption_id = r.id) <> 1) as redemptions,
      (select count(*)::int from ledger_movements x join redemptions r on r.id = x.redemption_id
        where x.kind <> 'REDEMPTION' or x.actor_subject <> r.actor_subject or x.occurred_on <> ((r.redeemed_at at time zone 'UTC') + interval '8 hours')::date
          or (select count(*) from ledger_entries e join bank_accounts a on a.id = e.account_id where e.movement_id = x.id and e.asset = 'POINTS'
            and ((a.volunteer_id = r.volunteer_id and e.amount = -r.points) or (a.merchant_id = r.merchant_id and e.amount = r.points))) <> 2
          or (select count(*) from ledger_entries e where e.movement_id = x.id) <> 2) as movements,
      (select count(*)::int from merchant_items where stock < 0) as stock,
      (select count(*)::int from redemptions) as n`);
    expect(bad).toMatchObject({ redemptions: 0, movements: 0, stock: 0 });
    expect(bad.n).toBeGreaterThan(100);
    const streets = await rows<{ street: number; merchants: number }>(sql`
      select s.id as street, count(m.id)::int as merchants from streets s left join merchants m on m.street_id = s.id group by s.id`);
    for (const s of streets) expect([2, 3], `street ${s.street}`).toContain(s.merchants);
  });
});

describe('the demo city as a whole', () => {
  it('gives a party member, a volunteer and a merchant of the first community a demo token, each with data to look at', async () => {
    const claims = new Map((await demoTokens(database.db, 'test-secret')).map((t) => [t.claims.role, t.claims]));
    const [first] = await rows<{ id: number }>(sql`select min(id)::int as id from communities`);
    const member = claims.get(Role.PARTY_MEMBER)!;
    expect(member.unit?.type).toBe('PartyMember');
    expect(await one(sql`select community_id as community, subject from party_members where id = ${member.unit!.key}`)).toEqual({ community: first.id, subject: member.sub });
    const memberData = await one<Record<string, number>>(sql`select
      (select count(*)::int from commitments where member_id = ${member.unit!.key} and withdrawn_at is null) as commitments,
      (select count(*)::int from wishes where claimant_member_id = ${member.unit!.key} and status = 'CLAIMED') as claimed`);
    expect(memberData.commitments).toBeGreaterThan(0);
    expect(memberData.claimed).toBeGreaterThan(0);

    const volunteer = claims.get(Role.VOLUNTEER)!;
    expect(volunteer.unit?.type).toBe('Volunteer');
    const balance = await one<{ community: number; subject: string; hours: number; points: number }>(sql`
      select v.community_id as community, v.subject, sum(e.amount) filter (where e.asset = 'HOURS')::float8 as hours,
        sum(e.amount) filter (where e.asset = 'POINTS')::float8 as points
      from volunteers v join bank_accounts a on a.volunteer_id = v.id join ledger_entries e on e.account_id = a.id
      where v.id = ${volunteer.unit!.key} group by v.id`);
    expect(balance).toMatchObject({ community: first.id, subject: volunteer.sub });
    expect(balance.hours).toBeGreaterThan(0);
    expect(balance.points).toBeGreaterThan(0);

    const merchant = claims.get(Role.MERCHANT)!;
    expect(merchant.unit?.type).toBe('Merchant');
    expect(await one(sql`select m.community_id as community, m.subject, (select count(*)::int from redemptions r where r.merchant_id = m.id) > 0 as sold
      from merchants m where m.id = ${merchant.unit!.key}`)).toEqual({ community: first.id, subject: merchant.sub, sold: true });
  });

  it('writes no outbox rows and moves the id sequences past the seeded ids', async () => {
    expect((await one<{ n: number }>(sql`select count(*)::int as n from outbox`)).n).toBe(0);
    for (const table of SEEDED_TABLES.filter((t) => t !== 'team_memberships')) {
      const next = await one<{ next: number; max: number }>(sql`
        select nextval(pg_get_serial_sequence(${table}, 'id'))::int as next, (select max(id)::int from ${sql.identifier(table)}) as max`);
      expect(next.next, table).toBe(next.max + 1);
    }
  });

  it('seeds the same rows again: the party, wish and bank parts are deterministic', async () => {
    const digest = async (tx: Queryable) => {
      const digests: Record<string, string> = {};
      for (const table of SEEDED_TABLES) {
        const row = await one<{ md5: string; n: number }>(sql`select md5(string_agg(t::text, E'\\n' order by t::text)) as md5, count(*)::int as n
          from ${sql.identifier(table)} t`, tx);
        digests[table] = `${row.n} ${row.md5}`;
      }
      return digests;
    };
    const rollback = new Error('rolled back on purpose');
    let before: Record<string, string> = {};
    let after: Record<string, string> = {};
    await expect(database.db.transaction(async (tx) => {
      before = await digest(tx);
      // Empty what these seeds wrote (the books are append-only against row changes, not against TRUNCATE), keeping the migration's rows.
      await tx.execute(sql`truncate ledger_entries, ledger_movements, redemptions, activity_signups, volunteer_activities, team_memberships,
        volunteer_teams, merchant_items, wish_transitions, wishes, participations, commitment_ratings, commitments, community_list_items, report_ins`);
      await tx.execute(sql`delete from bank_accounts where kind in ('VOLUNTEER', 'MERCHANT')`);
      await tx.execute(sql`delete from volunteers`);
      await tx.execute(sql`delete from merchants`);
      await tx.execute(sql`delete from party_members`);
      await tx.execute(sql`delete from reporting_units`);
      await tx.execute(sql`delete from point_rates where published_by <> 'migration'`);
      await seedParty(tx, { scale: 1 });
      await seedVolunteers(tx, { scale: 1 });
      await seedWishes(tx, { scale: 1 });
      await seedLoveBank(tx, { scale: 1 });
      after = await digest(tx);
      throw rollback;
    })).rejects.toBe(rollback);
    expect(Object.values(before).every((d) => !d.startsWith('0 '))).toBe(true);
    expect(after).toEqual(before);
  });
});
