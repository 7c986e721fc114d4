import { asc, type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../../src/auth/roles';
import type { Viewer } from '../../../src/auth/viewer';
import type { Context } from '../../../src/context';
import type { Database } from '../../../src/db/client';
import { toGlobalId } from '../../../src/graphql/ids';
import { SEED_REFERENCE_DATE, SEED_TIMESTAMP } from '../../../src/modules/grid/grid.seed';
import { isCreditCode } from '../../../src/modules/property/compound.rules';
import { verifyChain } from '../../../src/modules/property/disclosure.chain';
import { contentOf, verifyDisclosureChain } from '../../../src/modules/property/disclosure.service';
import { expectedClosingFen, monthOfStart, remunerationFen } from '../../../src/modules/property/ledger.rules';
import { ruleOf } from '../../../src/modules/property/ledger.service';
import {
  compounds, disclosures, ledgerLines, ledgerMonths, matterKind, propertyContracts,
} from '../../../src/modules/property/property.tables';
import { MAX_CANDIDATES } from '../../../src/modules/property/vote.inputs';
import { committeeTerm } from '../../../src/modules/property/vote.tally';
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

const MONTHS = ['2025-11', '2025-12', ...Array.from({ length: 10 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`)];
const PROPERTY_TABLES: [string, string][] = [
  ['party_organisations', 'id'], ['compounds', 'id'], ['property_companies', 'id'], ['property_contracts', 'id'],
  ['owners_committees', 'id'], ['committee_members', 'id'], ['annual_plans', 'id'], ['plan_items', 'id'], ['ledger_months', 'id'],
  ['ledger_lines', 'id'], ['disclosures', 'id'], ['owner_votes', 'id'], ['vote_candidates', 'id'], ['ballots', 'vote_id, household_id'],
  ['service_appraisals', 'id'], ['resident_scores', 'appraisal_id, household_id'],
];

beforeAll(async () => {
  ({ database, twin, counts, twinCounts } = await seedTwins());
}, 120_000);

afterAll(async () => {
  await twin?.close();
  await database?.close();
});

describe('seedProperty at scale 1 (through seedDemoCity)', () => {
  it('reports what it wrote, and writes no outbox rows', async () => {
    expect(counts.compounds).toBeGreaterThanOrEqual(90);
    for (const [table] of PROPERTY_TABLES) {
      const key = table.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
      const { n } = await one<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
      expect(n, table).toBe(counts[key]);
      expect(n, table).toBeGreaterThan(0);
    }
    expect(counts.ledgerMonths).toBe(12 * counts.compounds);
    expect(counts.ownerVotes).toBe(counts.compounds);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from outbox`)).n).toBe(0);
  });

  it('makes one compound per micro grid, over all its buildings and households, but for a few open courtyards', async () => {
    const stray = await one<Record<string, number>>(sql`
      select
        (select count(*)::int from compounds c join grids g on g.id = c.grid_id where g.level <> 'MICRO'
          or (c.district_id, c.street_id, c.community_id) <> (g.district_id, g.street_id, g.community_id)) as "notMicro",
        (select count(*)::int from (select grid_id from compounds group by 1 having count(*) > 1) x) as "twoInAGrid",
        (select count(*)::int from buildings b join compounds c on c.id = b.compound_id where b.grid_id <> c.grid_id) as "outsideGrid",
        (select count(*)::int from buildings b join compounds c on c.grid_id = b.grid_id where b.compound_id is distinct from c.id) as "leftOut",
        (select count(*)::int from households h join buildings b on b.id = h.building_id where h.compound_id is distinct from b.compound_id) as "households",
        (select count(*)::int from compounds c where not exists (select 1 from buildings b where b.compound_id = c.id)) as "empty",
        (select count(*)::int from compounds c where not exists (select 1 from buildings b
          where b.compound_id = c.id and b.address = c.address || b.name and c.address like '%' || c.name)) as "named"`);
    expect(stray).toEqual({ notMicro: 0, twoInAGrid: 0, outsideGrid: 0, leftOut: 0, households: 0, empty: 0, named: 0 });
    // The open courtyards: whole level-2 grids without property service, few, but enough for tests that make their own compounds.
    const open = await rows<{ grid: number; parent: number }>(sql`
      select g.id as grid, g.parent_grid_id as parent from grids g where g.level = 'MICRO'
        and exists (select 1 from buildings b where b.grid_id = g.id) and not exists (select 1 from compounds c where c.grid_id = g.id)`);
    const micro = await one<{ n: number }>(sql`select count(*)::int as n from grids where level = 'MICRO'`);
    expect(open.length).toBeGreaterThanOrEqual(4);
    expect(open.length / micro.n).toBeLessThan(0.1);
    const parents = new Set(open.map((o) => o.parent));
    const mixed = await one<{ n: number }>(sql`select count(*)::int as n from compounds c join grids g on g.id = c.grid_id
      where g.parent_grid_id in (${sql.join([...parents].map((p) => sql`${p}`), sql`, `)})`);
    expect(mixed.n).toBe(0);
  });

  it('builds the party organisations: community committee → grid branch → building group; the branch supervises the compound', async () => {
    const tree = await one<Record<string, number>>(sql`
      select
        (select count(*)::int from communities m where (select count(*) from party_organisations p
          where p.community_id = m.id and p.kind = 'COMMUNITY_COMMITTEE' and p.parent_id is null and p.name = m.name || '党委') <> 1) as committees,
        (select count(*)::int from grids g where g.level = 'LEVEL_2' and (select count(*) from party_organisations p
          join party_organisations parent on parent.id = p.parent_id
          where p.grid_id = g.id and p.kind = 'GRID_BRANCH' and parent.kind = 'COMMUNITY_COMMITTEE' and parent.community_id = g.community_id
            and p.name = g.name || '党支部') <> 1) as branches,
        (select count(*)::int from party_organisations p join buildings b on b.id = p.building_id join grids g on g.id = b.grid_id
          join party_organisations parent on parent.id = p.parent_id
          where p.kind = 'BUILDING_GROUP' and (parent.kind <> 'GRID_BRANCH' or parent.grid_id <> g.parent_grid_id or p.grid_id <> g.id
            or p.name not like '%' || b.name || '党小组')) as groups,
        (select count(*)::int from compounds c join grids g on g.id = c.grid_id left join party_organisations p on p.id = c.party_organisation_id
          where p.kind is distinct from 'GRID_BRANCH' or p.grid_id <> g.parent_grid_id) as supervisors`);
    expect(tree).toEqual({ committees: 0, branches: 0, groups: 0, supervisors: 0 });
    const share = await one<{ share: number }>(sql`
      select (select count(*) from party_organisations where kind = 'BUILDING_GROUP')::float8 / (select count(*) from buildings) as share`);
    expect(share.share).toBeGreaterThan(0.2);
    expect(share.share).toBeLessThan(0.45);
  });

  it('gives every compound a current owners\' committee of 5–7 of its residents with exactly one chair', async () => {
    const committees = await rows<{ compound: number; current: number; members: number; chairs: number; vices: number; outsiders: number; tags: number }>(sql`
      select c.id as compound,
        count(distinct o.id)::int as current, count(m.id)::int as members,
        count(m.id) filter (where m.role = 'CHAIR')::int as chairs, count(m.id) filter (where m.role = 'VICE_CHAIR')::int as vices,
        count(m.id) filter (where h.compound_id is distinct from c.id)::int as outsiders,
        count(m.id) filter (where m.party_member <> ('PARTY_MEMBER' = any(r.tags)))::int as tags
      from compounds c
      left join owners_committees o on o.compound_id = c.id and o.term_starts_on <= ${SEED_REFERENCE_DATE} and o.term_ends_on >= ${SEED_REFERENCE_DATE}
      left join committee_members m on m.committee_id = o.id
      left join residents r on r.id = m.resident_id
      left join households h on h.id = r.household_id
      group by c.id`);
    expect(committees).toHaveLength(counts.compounds);
    for (const c of committees) {
      const where = `compound ${c.compound}`;
      expect(c.current, where).toBe(1);
      expect(c.chairs, where).toBe(1);
      expect(c.vices, where).toBeGreaterThanOrEqual(1);
      expect(c.vices, where).toBeLessThanOrEqual(2);
      expect(c.members, where).toBeGreaterThanOrEqual(5);
      expect(c.members, where).toBeLessThanOrEqual(7);
      expect(c.outsiders, where).toBe(0);
      expect(c.tags, where).toBe(0);
    }
    // Party members are drawn first, so committees hold far more of them than the residents (8% of adults) do.
    const party = await one<{ share: number; chairs: number }>(sql`
      select avg(party_member::int)::float8 as share, avg(party_member::int) filter (where role = 'CHAIR')::float8 as chairs from committee_members`);
    expect(party.share).toBeGreaterThan(0.35);
    expect(party.chairs).toBeGreaterThan(0.5);
    // Five-year terms (2023–2028), or 2022–2027 where the open vote is the re-election.
    const terms = await rows<{ kind: string; starts: string; ends: string }>(sql`
      select v.kind::text, o.term_starts_on::text as starts, o.term_ends_on::text as ends
      from owners_committees o join owner_votes v on v.compound_id = o.compound_id`);
    for (const t of terms) {
      expect(t.starts.slice(0, 4), JSON.stringify(t)).toBe(t.kind === 'COMMITTEE_ELECTION' ? '2022' : '2023');
      expect(t.ends, JSON.stringify(t)).toBe(committeeTerm(t.starts).termEndsOn);
      if (t.kind === 'COMMITTEE_ELECTION') expect(t.ends >= '2027-01-31').toBe(true);
    }
  });

  it('gives every compound one current contract with a company of a valid credit code', async () => {
    const current = await rows<{ compound: number; n: number; starts: string; ends: string }>(sql`
      select c.id as compound, count(k.id)::int as n, min(k.starts_on)::text as starts, max(k.ends_on)::text as ends
      from compounds c left join property_contracts k on k.compound_id = c.id and k.starts_on <= ${SEED_REFERENCE_DATE} and k.ends_on >= ${SEED_REFERENCE_DATE}
      group by c.id`);
    for (const c of current) expect(c, `compound ${c.compound}`).toMatchObject({ n: 1, starts: '2024-01-01', ends: '2027-12-31' });
    const contracts = await database.db.select().from(propertyContracts);
    const older = contracts.filter((k) => k.endsOn < '2024-01-01');
    expect(older.length / counts.compounds).toBeGreaterThan(0.1);
    expect(older.length / counts.compounds).toBeLessThan(0.3);
    const percent = contracts.filter((k) => k.remunerationKind === 'PERCENTAGE_OF_INCOME');
    expect(percent.length / contracts.length).toBeGreaterThan(0.35);
    expect(percent.length / contracts.length).toBeLessThan(0.65);
    for (const k of percent) {
      expect(k.remunerationBasisPoints).toBeGreaterThanOrEqual(800);
      expect(k.remunerationBasisPoints).toBeLessThanOrEqual(1500);
    }
    const companies = await rows<{ name: string; credit_code: string; phone: string; contracts: number }>(sql`
      select p.name, p.credit_code, p.phone, (select count(*)::int from property_contracts k where k.company_id = p.id) as contracts
      from property_companies p`);
    expect(companies.length).toBeGreaterThanOrEqual(3);
    expect(new Set(companies.map((c) => c.name)).size).toBe(companies.length);
    for (const c of companies) {
      expect(isCreditCode(c.credit_code), c.credit_code).toBe(true);
      expect(c.name).toMatch(/^\p{Script=Han}+物业(服务|管理)有限公司$/u);
      expect(c.phone).toMatch(/^0543-\d{7}$/);
      expect(c.contracts).toBeGreaterThan(0);
    }
  });

  it('keeps twelve published months per compound that open at the last closing balance and balance to the fen', async () => {
    const months = await database.db.select().from(ledgerMonths).orderBy(asc(ledgerMonths.compoundId), asc(ledgerMonths.month));
    const lines = await database.db.select().from(ledgerLines);
    const contracts = new Map((await database.db.select().from(propertyContracts)).map((k) => [k.id, k]));
    const items = new Map((await rows<{ id: number; compound: number; year: number; category: string }>(sql`
      select i.id, p.compound_id as compound, p.year, i.category::text from plan_items i join annual_plans p on p.id = i.plan_id`)).map((i) => [i.id, i]));
    const linesOf = new Map<number, typeof lines>();
    for (const l of lines) linesOf.set(l.ledgerMonthId, [...(linesOf.get(l.ledgerMonthId) ?? []), l]);
    const byCompound = new Map<number, typeof months>();
    for (const m of months) byCompound.set(m.compoundId, [...(byCompound.get(m.compoundId) ?? []), m]);
    expect(byCompound.size).toBe(counts.compounds);

    for (const [compoundId, list] of byCompound) {
      expect(list.map((m) => m.month.slice(0, 7)), `compound ${compoundId}`).toEqual(MONTHS);
      let previousClosing = 0; // a compound's first month opens at 0, as in the service
      for (const m of list) {
        const where = `compound ${compoundId} ${m.month}`;
        expect(m.status, where).toBe('PUBLISHED');
        expect(m.openingBalanceFen, where).toBe(previousClosing);
        expect(m.closingBalanceFen, where).toBe(expectedClosingFen({
          openingFen: m.openingBalanceFen, incomeFen: m.incomeFen, remunerationFen: m.remunerationFen, expensesFen: m.expensesFen,
        }));
        expect(m.closingBalanceFen, where).toBeGreaterThanOrEqual(0);
        const contract = contracts.get(m.contractId)!;
        expect(contract.compoundId, where).toBe(compoundId);
        expect(contract.startsOn <= m.month && m.month <= contract.endsOn, where).toBe(true);

        const own = linesOf.get(m.id) ?? [];
        const income = own.filter((l) => l.kind === 'INCOME');
        const expense = own.filter((l) => l.kind === 'EXPENSE');
        const fee = income.filter((l) => l.incomeCategory === 'PROPERTY_FEE').reduce((s, l) => s + l.amountFen, 0);
        expect(fee, where).toBeGreaterThan(0);
        expect(income.reduce((s, l) => s + l.amountFen, 0), where).toBe(m.incomeFen);
        expect(expense.reduce((s, l) => s + l.amountFen, 0), where).toBe(m.expensesFen);
        expect(m.remunerationFen, where).toBe(remunerationFen(ruleOf(contract), fee));
        for (const l of own) {
          expect(l.amountFen, where).toBeGreaterThan(0);
          expect(l.description.length, where).toBeLessThanOrEqual(200);
        }
        for (const l of income) expect([l.incomeCategory !== null, l.expenseCategory, l.planItemId], where).toEqual([true, null, null]);
        for (const l of expense) {
          // Spent only on an item of that year's plan of this compound, of the line's category.
          const item = items.get(l.planItemId!);
          expect(item, where).toMatchObject({ compound: compoundId, year: Number(m.month.slice(0, 4)), category: l.expenseCategory });
        }
        previousClosing = m.closingBalanceFen;
      }
    }
    const plans = await one<{ bad: number }>(sql`select count(*)::int as bad from compounds c where
      (select count(*) from annual_plans p where p.compound_id = c.id and p.year in (2025, 2026)) <> 2
      or exists (select 1 from annual_plans p where p.compound_id = c.id and (select count(*) from plan_items i where i.plan_id = p.id) not between 6 and 9)`);
    expect(plans.bad).toBe(0);
  });

  it('publishes the twelve months in order as disclosures whose hash chain verifies, with a few corrections', async () => {
    const all = await database.db.select().from(disclosures).orderBy(asc(disclosures.id));
    const byCompound = new Map<number, typeof all>();
    for (const d of all) byCompound.set(d.compoundId, [...(byCompound.get(d.compoundId) ?? []), d]);
    expect(byCompound.size).toBe(counts.compounds);
    const corrected: number[] = [];
    for (const [compoundId, chain] of byCompound) {
      const where = `compound ${compoundId}`;
      expect(chain.filter((d) => d.version === 1).map((d) => d.month.slice(0, 7)), where).toEqual(MONTHS);
      const result = verifyChain(chain);
      expect(result.firstBroken, where).toBeNull();
      expect(result.valid, where).toBe(true);
      for (const [i, d] of chain.entries()) {
        expect(d.publishedBy, where).toBe(`committee-${compoundId}`);
        expect(d.publishedAt.getTime(), where).toBeLessThan(SEED_TIMESTAMP.getTime());
        // Published after the month's last day began (China time), in publication order.
        expect(d.publishedAt.getTime(), where).toBeGreaterThanOrEqual(Date.parse(`${monthOfStart(d.month).end}T00:00:00+08:00`));
        if (i > 0) expect(d.publishedAt.getTime(), where).toBeGreaterThan(chain[i - 1].publishedAt.getTime());
        expect(d.correctionReason === null, where).toBe(d.version === 1);
      }
      if (chain.some((d) => d.version > 1)) corrected.push(compoundId);
    }
    expect(corrected.length).toBeGreaterThanOrEqual(1);
    expect(corrected.length / counts.compounds).toBeLessThan(0.1);

    // The service's own check, as disclosureChainVerify runs it.
    const ctx = { db: database.db, viewer: { subject: 'test-admin', role: Role.CITY_ADMIN, unit: null } } as unknown as Context;
    for (const compoundId of [...corrected, ...[...byCompound.keys()].slice(0, 3)]) {
      const result = await verifyDisclosureChain(ctx, toGlobalId('Compound', compoundId), byCompound.get(compoundId)!.at(-1)!.contentHash);
      expect(result, `compound ${compoundId}`).toMatchObject({ valid: true, versionsChecked: byCompound.get(compoundId)!.length, firstBrokenLink: null });
    }

    // The newest version of every month is what the service's content builder makes of the ledger now.
    await database.db.transaction(async (tx) => {
      for (const compoundId of [...corrected, [...byCompound.keys()][0]]) {
        const [compound] = await tx.select().from(compounds).where(sql`${compounds.id} = ${compoundId}`);
        const months = new Map((await tx.select().from(ledgerMonths).where(sql`${ledgerMonths.compoundId} = ${compoundId}`)).map((m) => [m.month, m]));
        const chain = byCompound.get(compoundId)!;
        for (const [i, d] of chain.entries()) {
          if (chain.some((later) => later.month === d.month && later.version > d.version)) continue;
          const content = d.content as { publishedBy: { subject: string; role: Role }; publishedAt: string };
          const viewer: Viewer = { subject: content.publishedBy.subject, role: content.publishedBy.role, unit: { type: 'Compound', key: compoundId } };
          const rebuilt = await contentOf(tx, viewer, compound, monthOfStart(d.month), months.get(d.month)!, d.version, d.correctionReason,
            i === 0 ? null : chain[i - 1].contentHash, new Date(content.publishedAt));
          expect(JSON.parse(JSON.stringify(rebuilt)), `compound ${compoundId} ${d.month} v${d.version}`).toEqual(d.content);
        }
      }
    });

    // A correction moves a line between plan items and keeps every figure: the months after it still carry it forward.
    for (const compoundId of corrected) {
      const chain = byCompound.get(compoundId)!;
      for (const v2 of chain.filter((d) => d.version === 2)) {
        const v1 = chain.find((d) => d.month === v2.month && d.version === 1)!;
        const [a, b] = [v1.content as Record<string, unknown>, v2.content as Record<string, unknown>];
        expect(b.balance).toEqual(a.balance);
        expect(b.incomeLines).toEqual(a.incomeLines);
        expect(b.expenseLines).not.toEqual(a.expenseLines);
        expect(v2.correctionReason).toMatch(/更正/);
      }
    }
  });

  it('opens one owners\' vote per compound until 2027-01-31, with the eligible area and owners snapshotted and ballots within them', async () => {
    const votes = await rows<{
      compound: number; votes: number; status: string; opens: string | Date; closes: string | Date; outcome: string | null;
      area: string; owners: number; householdArea: string; households: number; ballots: number; ballotArea: string | null;
      strays: number; wrongArea: number; castBy: number;
    }>(sql`
      select c.id as compound, count(distinct v.id)::int as votes, min(v.status::text) as status, min(v.opens_at) as opens, min(v.closes_at) as closes,
        min(v.outcome::text) as outcome, min(v.eligible_area)::text as area, min(v.eligible_owners)::int as owners,
        (select coalesce(sum(h.floor_area), 0)::numeric(14, 2)::text from households h where h.compound_id = c.id) as "householdArea",
        (select count(*)::int from households h where h.compound_id = c.id) as households,
        (select count(*)::int from ballots b where b.vote_id = min(v.id)) as ballots,
        (select sum(b.area)::numeric(14, 2)::text from ballots b where b.vote_id = min(v.id)) as "ballotArea",
        (select count(*)::int from ballots b join households h on h.id = b.household_id where b.vote_id = min(v.id) and h.compound_id <> c.id) as strays,
        (select count(*)::int from ballots b join households h on h.id = b.household_id where b.vote_id = min(v.id) and b.area <> h.floor_area) as "wrongArea",
        (select count(*)::int from ballots b where b.vote_id = min(v.id) and b.cast_by <> 'resident-' || b.household_id) as "castBy"
      from compounds c left join owner_votes v on v.compound_id = c.id group by c.id`);
    let turnout = 0;
    for (const v of votes) {
      const where = `compound ${v.compound}`;
      expect(v, where).toMatchObject({ votes: 1, status: 'OPEN', outcome: null, strays: 0, wrongArea: 0, castBy: 0 });
      expect(new Date(v.opens).getTime(), where).toBe(SEED_TIMESTAMP.getTime());
      expect(new Date(v.closes).getTime(), where).toBe(Date.parse('2027-01-31T18:00:00+08:00'));
      // Snapshotted like openOwnerVote: the compound's households and their total floor area.
      expect([v.area, v.owners], where).toEqual([v.householdArea, v.households]);
      expect(v.ballots / v.owners, where).toBeGreaterThanOrEqual(0.2);
      expect(v.ballots / v.owners, where).toBeLessThanOrEqual(0.8);
      expect(Number(v.ballotArea), where).toBeLessThanOrEqual(Number(v.area));
      turnout += v.ballots / v.owners / votes.length;
    }
    expect(turnout).toBeGreaterThan(0.4);
    expect(turnout).toBeLessThan(0.6);

    const kinds = await rows<{ kind: string; n: number }>(sql`select kind::text, count(*)::int as n from owner_votes group by 1`);
    expect(kinds.map((k) => k.kind).sort()).toEqual([...matterKind.enumValues].sort());
    expect(kinds.find((k) => k.kind === 'COMMITTEE_ELECTION')!.n).toBeGreaterThanOrEqual(2);
    const choices = await one<{ forShare: number; bad: number }>(sql`
      select avg((b.choice = 'FOR')::int)::float8 as "forShare",
        count(*) filter (where b.choice is null or cardinality(b.candidate_ids) > 0)::int as bad
      from ballots b join owner_votes v on v.id = b.vote_id where v.kind <> 'COMMITTEE_ELECTION'`);
    expect(choices.bad).toBe(0);
    expect(choices.forShare).toBeGreaterThan(0.6);

    // Elections: householders of the compound stand for the seats; a ballot names at most that many of them.
    const elections = await rows<{ id: number; seats: number; candidates: number; outsiders: number; badBallots: number; ballots: number }>(sql`
      select v.id, v.seats, (select count(*)::int from vote_candidates k where k.vote_id = v.id) as candidates,
        (select count(*)::int from vote_candidates k join residents r on r.id = k.resident_id join households h on h.id = r.household_id
          where k.vote_id = v.id and (h.compound_id <> v.compound_id or not r.householder or k.party_member <> ('PARTY_MEMBER' = any(r.tags)))) as outsiders,
        (select count(*)::int from ballots b where b.vote_id = v.id) as ballots,
        (select count(*)::int from ballots b where b.vote_id = v.id and (b.choice is not null or cardinality(b.candidate_ids) > v.seats
          or cardinality(b.candidate_ids) = 0
          or exists (select 1 from unnest(b.candidate_ids) c where c not in (select k.id from vote_candidates k where k.vote_id = v.id))
          or cardinality(b.candidate_ids) <> (select count(distinct c) from unnest(b.candidate_ids) c))) as "badBallots"
      from owner_votes v where v.kind = 'COMMITTEE_ELECTION'`);
    for (const e of elections) {
      expect(e.seats, `vote ${e.id}`).toBeGreaterThanOrEqual(5);
      expect(e.candidates, `vote ${e.id}`).toBeGreaterThan(e.seats);
      expect(e.candidates, `vote ${e.id}`).toBeLessThanOrEqual(MAX_CANDIDATES);
      expect([e.outsiders, e.badBallots], `vote ${e.id}`).toEqual([0, 0]);
      expect(e.ballots, `vote ${e.id}`).toBeGreaterThan(0);
    }
    const seatless = await one<{ n: number }>(sql`select count(*)::int as n from owner_votes v where (v.kind = 'COMMITTEE_ELECTION') <> (v.seats is not null)
      or (v.kind <> 'COMMITTEE_ELECTION' and exists (select 1 from vote_candidates k where k.vote_id = v.id))`);
    expect(seatless.n).toBe(0);
  });

  it('appraises the current company of every compound in 2026-Q2 and Q3, with scores from about a fifth of the households', async () => {
    const appraisals = await one<{ bad: number; n: number; scorers: number; households: number; strays: number; range: number }>(sql`
      select
        (select count(*)::int from service_appraisals a join property_contracts k on k.id = a.contract_id
          where a.quarter not in ('2026-04-01', '2026-07-01') or k.compound_id <> a.compound_id or k.starts_on > a.quarter
            or a.committee_score not between 0 and 100 or a.branch_score not between 0 and 100
            or a.committee_weight + a.resident_weight + a.branch_weight <> 100) as bad,
        (select count(*)::int from service_appraisals) as n,
        (select count(*)::int from resident_scores) as scorers,
        (select count(*)::int from households where compound_id is not null) as households,
        (select count(*)::int from resident_scores s join service_appraisals a on a.id = s.appraisal_id join households h on h.id = s.household_id
          where h.compound_id <> a.compound_id or s.given_by <> 'resident-' || s.household_id) as strays,
        (select count(*)::int from resident_scores where score not between 0 and 100) as range`);
    expect(appraisals).toMatchObject({ bad: 0, n: 2 * counts.compounds, strays: 0, range: 0 });
    expect(appraisals.scorers / (2 * appraisals.households)).toBeGreaterThan(0.12);
    expect(appraisals.scorers / (2 * appraisals.households)).toBeLessThan(0.3);
  });

  it('gives identical rows when seeded again into a fresh database', async () => {
    expect(twinCounts).toEqual(counts);
    const chainDigest = sql`select md5(string_agg(content_hash, ',' order by id)) as md5 from disclosures`;
    expect((await one<{ md5: string }>(chainDigest, twin)).md5).toBe((await one<{ md5: string }>(chainDigest)).md5);
    for (const [table, order] of [...PROPERTY_TABLES, ['buildings', 'id'], ['households', 'id']] as [string, string][]) {
      const digest = (db: Database) => one<{ md5: string; n: number }>(
        sql`select md5(string_agg(t::text, E'\n' order by ${sql.raw(order.split(', ').map((c) => `t.${c}`).join(', '))})) as md5,
          count(*)::int as n from ${sql.identifier(table)} t`, db);
      const [a, b] = [await digest(database), await digest(twin)];
      expect(a.n, table).toBeGreaterThan(0);
      expect(b.md5, table).toBe(a.md5);
    }
  });

  it('moves the id sequences past the seeded ids', async () => {
    for (const [table] of PROPERTY_TABLES.filter(([, order]) => order === 'id')) {
      const next = await one<{ next: number; max: number }>(sql`
        select nextval(pg_get_serial_sequence(${table}, 'id'))::int as next, (select max(id)::int from ${sql.identifier(table)}) as max`);
      expect(next.next, table).toBe(next.max + 1);
    }
  });
});
