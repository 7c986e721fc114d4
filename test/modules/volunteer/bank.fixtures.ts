/**
 * Love-bank fixtures made through the API, in a community created for the test file, so that
 * whatever the demo seed puts into its own communities never shows in these books.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import { chinaDate } from '../../../src/calendar';
import { toGlobalId } from '../../../src/graphql/ids';
import { streets } from '../../../src/modules/grid/grid.tables';
import { partyMembers, reportingUnits } from '../../../src/modules/party/party.tables';
import { hundredths } from '../../../src/modules/volunteer/bank.amounts';
import { rateOn } from '../../../src/modules/volunteer/bank.ledger';
import { activities, bankAccounts, ledgerEntries } from '../../../src/modules/volunteer/volunteer.tables';
import { Role, type TestServer } from '../../helpers/server';

export const ERRORS = 'userErrors { field code message }';
export const keyOfId = (id: string) => Number(Buffer.from(id, 'base64').toString().split(':')[1]);
const HOUR = 3600_000;

export interface Person {
  id: string;
  key: number;
  name: string;
  token: string;
}

/** Runs a request that must not fail as a whole; answers its data. */
export async function ok(t: TestServer, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const r = await t.gql(query, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data;
}

/** A mutation's payload, which must carry no user errors. */
export async function done(t: TestServer, field: string, query: string, variables: Record<string, unknown>, token?: string): Promise<any> {
  const payload = (await ok(t, query, variables, token))[field];
  if (payload.userErrors.length) throw new Error(`${field}: ${JSON.stringify(payload.userErrors)}`);
  return payload;
}

/** The codes of a payload's user errors, with their fields. */
export const refusals = (payload: { userErrors: { field: string[] | null; code: string }[] }) => payload.userErrors.map((e) => [e.field, e.code]);

export async function bankWorld(t: TestServer, label: string) {
  const db = t.database.db;
  const [street] = await db.select().from(streets).orderBy(asc(streets.id)).limit(1);
  const officer = await t.token(Role.STREET_OFFICER, { type: 'Street', key: street.id }, `officer-${label}`);
  const admin = await t.token(Role.CITY_ADMIN, undefined, `admin-${label}`);
  const made = await done(t, 'communityCreate', `mutation($street: ID!, $name: String!) { communityCreate(input: { streetId: $street, name: $name }) { community { id } ${ERRORS} } }`,
    { street: toGlobalId('Street', street.id), name: `爱心银行${label}社区` }, officer);
  const community = { id: made.community.id as string, key: keyOfId(made.community.id) };
  const secretary = await t.token(Role.COMMUNITY_SECRETARY, { type: 'Community', key: community.key }, `secretary-${label}`);

  async function volunteer(name: string, phone?: string): Promise<Person> {
    const r = await done(t, 'volunteerRegister', `mutation($input: VolunteerRegisterInput!) { volunteerRegister(input: $input) { volunteer { id name } ${ERRORS} } }`,
      { input: { communityId: community.id, name, phone } }, secretary);
    const key = keyOfId(r.volunteer.id);
    return { id: r.volunteer.id, key, name, token: await t.token(Role.VOLUNTEER, { type: 'Volunteer', key }, `volunteer-${label}-${key}`) };
  }

  async function team(name: string, leader?: Person) {
    const r = await done(t, 'volunteerTeamCreate', `mutation($input: VolunteerTeamCreateInput!) { volunteerTeamCreate(input: $input) { team { id } ${ERRORS} } }`,
      { input: { communityId: community.id, name, leaderId: leader?.id } }, secretary);
    return r.team.id as string;
  }

  /** An activity starting `startsInHours` from now (negative: already started or held), planned by the token's holder. */
  async function activity(teamId: string, token: string, startsInHours: number, hours: number, capacity = 10, title = '楼道清理') {
    const startsAt = new Date(Date.now() + startsInHours * HOUR);
    const r = await done(t, 'volunteerActivityCreate', `mutation($input: VolunteerActivityCreateInput!) { volunteerActivityCreate(input: $input) { activity { id } ${ERRORS} } }`,
      { input: { teamId, title, place: '3号楼前', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + hours * HOUR).toISOString(), capacity } }, token);
    return r.activity.id as string;
  }

  /** An activity held on a past day (China time), 09:00 to 09:00 + hours. */
  async function heldOn(teamId: string, day: string, hours: number, title = '敬老院陪护') {
    const startsAt = new Date(`${day}T09:00:00+08:00`);
    const r = await done(t, 'volunteerActivityCreate', `mutation($input: VolunteerActivityCreateInput!) { volunteerActivityCreate(input: $input) { activity { id } ${ERRORS} } }`,
      { input: { teamId, title, place: '社区敬老院', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + hours * HOUR).toISOString(), capacity: 50 } }, secretary);
    return r.activity.id as string;
  }

  /** Moves an activity so that it started `hoursAgo` hours ago, keeping its length: time passes in the test. */
  async function startedAgo(activityId: string, hoursAgo: number) {
    const [row] = await db.select().from(activities).where(eq(activities.id, keyOfId(activityId)));
    const length = row.endsAt.getTime() - row.startsAt.getTime();
    const startsAt = new Date(Date.now() - hoursAgo * HOUR);
    await db.update(activities).set({ startsAt, endsAt: new Date(startsAt.getTime() + length) }).where(eq(activities.id, row.id));
  }

  async function signUp(activityId: string, token: string) {
    return (await ok(t, `mutation($a: ID!) { activitySignUp(activityId: $a) { signup { id status } ${ERRORS} } }`, { a: activityId }, token)).activitySignUp;
  }

  async function confirm(activityId: string, attendees: Record<string, unknown>[], token = secretary, key?: string) {
    return (await ok(t, `mutation($a: ID!, $list: [AttendeeInput!]!, $key: String) {
      attendanceConfirm(activityId: $a, attendees: $list, idempotencyKey: $key) { activity { id } ${ERRORS} } }`, { a: activityId, list: attendees, key }, token)).attendanceConfirm;
  }

  /** A volunteer with the points of a confirmed attendance of `hours` today in the team's activity. */
  async function volunteerWithPoints(teamId: string, name: string, hours: number): Promise<Person> {
    const person = await volunteer(name);
    const served = await activity(teamId, secretary, -1 / 60, hours, 50, `${name}的服务`);
    const confirmed = await confirm(served, [{ volunteerId: person.id }]);
    if (confirmed.userErrors.length > 0) throw new Error(`attendance of ${name} refused: ${JSON.stringify(confirmed.userErrors)}`);
    return person;
  }

  async function merchant(name: string) {
    const r = await done(t, 'merchantCreate', `mutation($input: MerchantCreateInput!) { merchantCreate(input: $input) { merchant { id } ${ERRORS} } }`,
      { input: { communityId: community.id, name, address: '黄河二路88号', phone: '0543-3168888' } }, officer);
    const key = keyOfId(r.merchant.id);
    return { id: r.merchant.id as string, key, token: await t.token(Role.MERCHANT, { type: 'Merchant', key }, `merchant-${label}-${key}`) };
  }

  async function item(merchantToken: string, name: string, pricePoints: number, stock?: number) {
    const r = await done(t, 'merchantItemCreate', `mutation($input: MerchantItemCreateInput!) { merchantItemCreate(input: $input) { item { id } ${ERRORS} } }`,
      { input: { name, pricePoints, stock } }, merchantToken);
    return r.item.id as string;
  }

  async function redeem(token: string, itemId: string, quantity = 1, key?: string) {
    return (await ok(t, `mutation($input: RedemptionCreateInput!, $key: String) {
      redemptionCreate(input: $input, idempotencyKey: $key) { redemption { id points quantity } ${ERRORS} } }`, { input: { itemId, quantity }, key }, token)).redemptionCreate;
  }

  return {
    street, community, officer, admin, secretary, volunteer, volunteerWithPoints, team, activity, heldOn, startedAgo, signUp, confirm, merchant, item, redeem,
  };
}

export type BankWorld = Awaited<ReturnType<typeof bankWorld>>;

/** The points an attendance of these hours earns on this day (China), at the rate in force then. */
export async function pointsEarned(t: TestServer, hours: string, day: string): Promise<number> {
  const rate = await rateOn(t.database.db, day);
  return Number((hundredths(hours) * BigInt(rate) + 50n) / 100n);
}

/** A volunteer's balance summed straight from the ledger, bypassing the API. */
export async function ledgerBalance(t: TestServer, volunteerKey: number) {
  const [row] = await t.database.db.select({
    hours: sql<string>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.asset} = 'HOURS'), 0)::numeric(14,2)::text`,
    points: sql<string>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.asset} = 'POINTS'), 0)::bigint::text`,
  }).from(ledgerEntries).innerJoin(bankAccounts, eq(bankAccounts.id, ledgerEntries.accountId))
    .where(and(eq(bankAccounts.kind, 'VOLUNTEER'), eq(bankAccounts.volunteerId, volunteerKey)));
  return { hours: row.hours, points: Number(row.points) };
}

/** A party member in service (在职党员) put straight into the register, with a token. */
export async function partyMember(t: TestServer, place: { districtId: number; streetId: number; communityId: number; gridId: number }, name: string) {
  const db = t.database.db;
  const [unit] = await db.insert(reportingUnits).values({ name: `${name}的单位`, kind: 'PUBLIC_INSTITUTION' }).returning();
  const [member] = await db.insert(partyMembers).values({ ...place, kind: 'IN_SERVICE', workUnitId: unit.id, name, phone: '13905430001' }).returning();
  return { key: member.id, token: await t.token(Role.PARTY_MEMBER, { type: 'PartyMember', key: member.id }, `member-${member.id}`) };
}

export const today = () => chinaDate();
export const dayBefore = (day: string, days = 1) => new Date(Date.parse(`${day}T00:00:00Z`) - days * 86400_000).toISOString().slice(0, 10);
