import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/client';
import { SEED_TIMESTAMP } from '../../../src/modules/grid/grid.seed';
import { nextJointMeeting, nextStatus, OPEN_STATUSES, type IncidentStatus, type TransitionAction } from '../../../src/modules/incident/incident.machine';
import { departments, incidentCategory, incidents, incidentStatus, incidentTransitions } from '../../../src/modules/incident/incident.tables';
import { seedTwins } from '../../helpers/seeded-twins';

let database: Database;
let twin: Database;
let counts: Record<string, number>;
let twinCounts: Record<string, number>;

async function rows<T>(query: SQL, db = database): Promise<T[]> {
  return ((await db.db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function one<T>(query: SQL, db = database): Promise<T> {
  return (await rows<T>(query, db))[0];
}

beforeAll(async () => {
  ({ database, twin, counts, twinCounts } = await seedTwins());
}, 120_000);

afterAll(async () => {
  await twin?.close();
  await database?.close();
});

describe('seedIncidents at scale 1 (through seedDemoCity)', () => {
  it('seeds about 600 incidents with their timelines, and the departments', async () => {
    expect(counts.incidents).toBe(600);
    expect(counts.departments).toBeGreaterThanOrEqual(10);
    const counted = await one<Record<string, number>>(sql`select
      (select count(*)::int from departments) as departments, (select count(*)::int from responsibilities) as responsibilities,
      (select count(*)::int from incidents) as incidents, (select count(*)::int from incident_transitions) as "incidentTransitions"`);
    expect(counted).toEqual({
      departments: counts.departments, responsibilities: counts.responsibilities, incidents: counts.incidents,
      incidentTransitions: counts.incidentTransitions,
    });
    // Seeded history is not news: nothing in the outbox.
    expect((await one<{ n: number }>(sql`select count(*)::int as n from outbox`)).n).toBe(0);
  });

  it('has city-level departments with proper codes and phone numbers', async () => {
    const all = await database.db.select().from(departments);
    for (const d of all) {
      expect(d.code).toMatch(/^[A-Z0-9-]{2,20}$/);
      expect(d.phone).toMatch(/^0543-\d{7}$/);
      expect(d.districtId).toBeNull();
      expect(d.name).toMatch(/^\p{Script=Han}+$/u);
    }
    expect(all.find((d) => d.code === 'CGZF')?.name).toBe('综合行政执法局');
  });

  it('gives every category exactly one lead and at least one cooperating department', async () => {
    const list = await rows<{ category: string; leads: number; cooperating: number }>(sql`
      select category::text, count(*) filter (where kind = 'LEAD')::int as leads,
        count(*) filter (where kind = 'COOPERATING')::int as cooperating
      from responsibilities group by 1`);
    expect(list.map((r) => r.category).sort()).toEqual([...incidentCategory.enumValues].sort());
    for (const r of list) {
      expect(r.leads, r.category).toBe(1);
      expect(r.cooperating, r.category).toBeGreaterThanOrEqual(1);
      expect(r.cooperating, r.category).toBeLessThanOrEqual(2);
    }
    const lead = await rows<{ category: string; code: string }>(sql`
      select r.category::text, d.code from responsibilities r join departments d on d.id = r.department_id where r.kind = 'LEAD'`);
    expect(Object.fromEntries(lead.map((r) => [r.category, r.code]))).toMatchObject({
      FAMILY_CONFLICT: 'SF', NEIGHBOUR_DISPUTE: 'SF', COMPOUND_GOVERNANCE: 'ZJ', SAFETY_HAZARD: 'YJ', PUBLIC_ORDER: 'GA',
      PETITION: 'XF', HELP_REQUEST: 'MZ',
    });
  });

  it('has incidents in every status, most of them closed', async () => {
    const byStatus = await rows<{ status: IncidentStatus; n: number }>(sql`select status, count(*)::int as n from incidents group by 1`);
    expect(byStatus.map((s) => s.status).sort()).toEqual([...incidentStatus.enumValues].sort());
    const closed = byStatus.find((s) => s.status === 'CLOSED')!.n;
    expect(closed / counts.incidents).toBeGreaterThan(0.7);
  });

  it('makes every timeline a walk of the closed loop that ends in the incident\'s state', async () => {
    const all = await database.db.select().from(incidents);
    const timeline = await database.db.select().from(incidentTransitions).orderBy(incidentTransitions.incidentId, incidentTransitions.id);
    const byIncident = new Map<number, typeof timeline>();
    for (const t of timeline) byIncident.set(t.incidentId, [...(byIncident.get(t.incidentId) ?? []), t]);
    const actions = new Set<string>();
    const limits = new Map((await rows<{ category: string; hours: number }>(sql`select category::text, time_limit_hours as hours from category_settings`))
      .map((r) => [r.category, r.hours]));

    for (const incident of all) {
      const steps = byIncident.get(incident.id) ?? [];
      const where = `incident ${incident.id}`;
      expect(steps.length, where).toBeGreaterThan(0);
      expect(incident.version, where).toBe(steps.length);
      const [report, ...rest] = steps;
      expect(report, where).toMatchObject({ action: 'REPORT', fromStatus: null, toStatus: 'REPORTED', actorSubject: incident.reporterSubject });
      expect(report.at.getTime(), where).toBe(incident.reportedAt.getTime());

      let status: IncidentStatus = 'REPORTED';
      let at = report.at.getTime();
      let handledAt: number | null = null;
      let closedAt: number | null = null;
      let meeting: string | null = null;
      let triaged = false;
      for (const step of rest) {
        actions.add(step.action);
        expect(step.action, where).not.toBe('REPORT');
        expect(step.fromStatus, where).toBe(status);
        expect(nextStatus(status, step.action as TransitionAction), `${where}: ${step.action} from ${status}`).toBe(step.toStatus);
        expect(step.at.getTime(), where).toBeGreaterThan(at);
        expect(step.note, where).toBeTruthy();
        status = step.toStatus;
        at = step.at.getTime();
        if (step.action === 'ACCEPT') triaged = true;
        if (step.action === 'FEEDBACK') handledAt = at;
        if (step.action === 'REOPEN') handledAt = null;
        if (step.action === 'CLOSE') closedAt = at;
        if (step.action === 'ESCALATE') meeting = nextJointMeeting(step.at);
        if (step.action === 'DISPATCH') meeting = null;
        if (['START', 'FEEDBACK'].includes(step.action)) expect(step.actorSubject, where).toBe(`handler-${incident.departmentId}`);
        if (['ACCEPT', 'EXPLAIN', 'CLOSE'].includes(step.action)) expect(step.actorSubject, where).toBe(`secretary-${incident.communityId}`);
        if (step.action === 'DISPATCH') expect(step.actorSubject, where).toBe(`officer-${incident.streetId}`);
      }
      expect(status, where).toBe(incident.status);
      // Nothing happened after the reference date.
      expect(at, where).toBeLessThan(SEED_TIMESTAMP.getTime());
      expect(incident.handledAt?.getTime() ?? null, where).toBe(handledAt);
      expect(incident.closedAt?.getTime() ?? null, where).toBe(closedAt);
      expect(incident.jointMeetingOn, where).toBe(meeting);
      expect(incident.triage !== null, where).toBe(triaged);
      expect(incident.satisfaction !== null, where).toBe(incident.status === 'CLOSED');
      if (incident.satisfaction !== null) expect(incident.satisfaction).toBeGreaterThanOrEqual(1);
      // The department from the dispatch on, on the incident and on every later timeline row.
      const dispatched = steps.findIndex((s) => s.action === 'DISPATCH');
      expect(incident.departmentId !== null, where).toBe(dispatched >= 0);
      for (const [i, s] of steps.entries()) {
        expect(s.departmentId, `${where} step ${i}`).toBe(dispatched >= 0 && i >= dispatched ? incident.departmentId : null);
      }
      // Deadline: reported_at + the category's time limit; only the extended petitions differ.
      const limitDeadline = incident.reportedAt.getTime() + limits.get(incident.category)! * 3_600_000;
      if (incident.deadline.getTime() !== limitDeadline) {
        expect(incident, where).toMatchObject({ category: 'PETITION', priority: 'URGENT' });
        expect(incident.deadline.getTime()).toBeGreaterThan(Date.parse('2027-01-01T00:00:00+08:00'));
      }
    }
    // The loops occur: escalation to the joint meeting and redispatch, reopening and a second feedback.
    expect([...actions].sort()).toEqual(['ACCEPT', 'CLOSE', 'DISPATCH', 'ESCALATE', 'EXPLAIN', 'FEEDBACK', 'REOPEN', 'START']);
    const loops = await one<{ redispatched: number; refed: number }>(sql`
      select
        (select count(distinct incident_id)::int from incident_transitions where action = 'DISPATCH' and from_status = 'ESCALATED') as redispatched,
        (select count(distinct incident_id)::int from incident_transitions t where action = 'FEEDBACK'
           and exists (select 1 from incident_transitions r where r.incident_id = t.incident_id and r.action = 'REOPEN' and r.id < t.id)) as refed`);
    expect(loops.redispatched).toBeGreaterThanOrEqual(5);
    expect(loops.refed).toBeGreaterThanOrEqual(5);
  });

  it('leaves open incidents overdue as of now, and a few that are not', async () => {
    const open = await one<{ overdue: number; pending: number }>(sql`
      select count(*) filter (where deadline < now())::int as overdue, count(*) filter (where deadline >= now())::int as pending
      from incidents where status in (${sql.join(OPEN_STATUSES.map((s) => sql`${s}`), sql`, `)})`);
    expect(open.overdue).toBeGreaterThanOrEqual(10);
    expect(open.pending).toBeGreaterThanOrEqual(3);
    // And some closed late, so that the on-time rate says something.
    const closed = await one<{ closed: number; onTime: number }>(sql`
      select count(*)::int as closed, count(*) filter (where closed_at <= deadline)::int as "onTime" from incidents where status = 'CLOSED'`);
    expect(closed.onTime / closed.closed).toBeGreaterThan(0.6);
    expect(closed.onTime / closed.closed).toBeLessThan(0.95);
  });

  it('puts every incident inside its micro grid, reported by someone of that grid', async () => {
    const stray = await one<{ outside: number; chain: number; level: number; household: number; reporter: number }>(sql`
      select
        count(*) filter (where not (g.boundary @> point(i.longitude, i.latitude)))::int as outside,
        count(*) filter (where (i.district_id, i.street_id, i.community_id) <> (g.district_id, g.street_id, g.community_id))::int as chain,
        count(*) filter (where g.level <> 'MICRO')::int as level,
        count(*) filter (where i.household_id is not null
          and not exists (select 1 from households h where h.id = i.household_id and h.grid_id = i.grid_id))::int as household,
        count(*) filter (where case i.reporter_role
          when 'RESIDENT' then i.reporter_subject <> 'resident-' || i.household_id
          when 'GRID_WORKER' then not exists (select 1 from staff_assignments a join staff_members m on m.id = a.staff_member_id
            where m.subject = i.reporter_subject and a.role in ('MICRO_GRID_WORKER', 'GRID_WORKER') and a.grid_id in (g.id, g.parent_grid_id))
          else true end)::int as reporter
      from incidents i join grids g on g.id = i.grid_id`);
    expect(stray).toEqual({ outside: 0, chain: 0, level: 0, household: 0, reporter: 0 });
    const residents = await one<{ share: number }>(sql`select avg((reporter_role = 'RESIDENT')::int)::float8 as share from incidents`);
    expect(residents.share).toBeGreaterThan(0.12);
    expect(residents.share).toBeLessThan(0.3);
    const photos = await rows<{ id: number; photo_urls: string[] }>(sql`select id, photo_urls from incidents`);
    for (const p of photos) {
      expect(p.photo_urls.length).toBeLessThanOrEqual(3);
      p.photo_urls.forEach((url, i) => expect(url).toBe(`https://img.example.cn/incident/${p.id}-${i + 1}.jpg`));
    }
  });

  it('gives identical rows when seeded again into a fresh database', async () => {
    expect(twinCounts).toEqual(counts);
    for (const [table, order] of [
      ['departments', 'id'], ['responsibilities', 'category, department_id'], ['incidents', 'id'], ['incident_transitions', 'id'],
    ]) {
      const digest = (db: Database) => one<{ md5: string; n: number }>(
        sql`select md5(string_agg(t::text, E'\n' order by ${sql.raw(order.split(', ').map((c) => `t.${c}`).join(', '))})) as md5,
          count(*)::int as n from ${sql.identifier(table)} t`, db);
      const [a, b] = [await digest(database), await digest(twin)];
      expect(a.n, table).toBeGreaterThan(0);
      expect(b.md5, table).toBe(a.md5);
    }
  });

  it('moves the id sequences past the seeded ids', async () => {
    const max = await one<{ incidents: number; departments: number }>(sql`
      select (select max(id)::int from incidents) as incidents, (select max(id)::int from departments) as departments`);
    const [department] = await database.db.insert(departments).values({ code: 'TEST-SEQ', name: '测试部门' }).returning();
    expect(department.id).toBe(max.departments + 1);
    const next = await one<{ incidents: number; transitions: number }>(sql`
      select nextval(pg_get_serial_sequence('incidents', 'id'))::int as incidents,
        nextval(pg_get_serial_sequence('incident_transitions', 'id'))::int as transitions`);
    expect(next.incidents).toBe(max.incidents + 1);
    expect(next.transitions).toBe(counts.incidentTransitions + 1);
  });
});
