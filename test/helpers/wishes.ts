import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client';
import { toGlobalId } from '../../src/graphql/ids';
import { grids } from '../../src/modules/grid/grid.tables';
import { partyMembers, reportIns, reportingUnits } from '../../src/modules/party/party.tables';
import { bankAccounts } from '../../src/modules/volunteer/volunteer.tables';
import { balancesOf } from '../../src/modules/volunteer/bank.ledger';
import { volunteers } from '../../src/modules/volunteer/volunteer.tables';
import type { TestServer } from './server';

let made = 0;

export const keyOfId = (id: string) => Number(Buffer.from(id, 'base64').toString().split(':')[1]);

async function chainOf(db: Db, gridId: number) {
  const [grid] = await db.select().from(grids).where(eq(grids.id, gridId));
  return { districtId: grid.districtId, streetId: grid.streetId, communityId: grid.communityId };
}

/** A reporting unit (报到单位), reported in to the grid's community unless told otherwise. */
export async function makeUnit(db: Db, gridId: number, options: { reportedIn?: boolean } = {}) {
  made += 1;
  const [unit] = await db.insert(reportingUnits).values({ name: `测试报到单位${made}`, kind: 'PUBLIC_INSTITUTION' }).returning();
  if (options.reportedIn !== false) {
    await db.insert(reportIns).values({ unitId: unit.id, ...(await chainOf(db, gridId)), gridId });
  }
  return { ...unit, gid: toGlobalId('ReportingUnit', unit.id) };
}

/** An in-service party member (在职党员) placed in the grid, working for a unit of their own; reported in to the community if asked. */
export async function makePartyMember(db: Db, gridId: number, options: { reportedIn?: boolean } = {}) {
  const unit = await makeUnit(db, gridId, { reportedIn: false });
  made += 1;
  const chain = await chainOf(db, gridId);
  const [member] = await db.insert(partyMembers).values({
    ...chain, gridId, kind: 'IN_SERVICE', workUnitId: unit.id, name: `测试党员${made}`, subject: `wish-test-member-${made}`,
  }).returning();
  if (options.reportedIn) await db.insert(reportIns).values({ memberId: member.id, ...chain, gridId });
  return { ...member, gid: toGlobalId('PartyMember', member.id) };
}

/** A registered volunteer (志愿者) of the grid's community. */
export async function makeVolunteer(db: Db, gridId: number) {
  made += 1;
  const [volunteer] = await db.insert(volunteers).values({ ...(await chainOf(db, gridId)), name: `测试志愿者${made}`, subject: `wish-test-volunteer-${made}` }).returning();
  return { ...volunteer, gid: toGlobalId('Volunteer', volunteer.id) };
}

/** A volunteer's love-bank balance; zero before the account is opened. */
export async function balanceOf(db: Db, volunteerId: number) {
  const [account] = await db.select({ id: bankAccounts.id }).from(bankAccounts).where(eq(bankAccounts.volunteerId, volunteerId));
  if (!account) return { hours: '0.00', points: 0 };
  return (await balancesOf(db, [account.id])).get(account.id)!;
}

export const WISH_FIELDS = `id status version title category claimantKind claimantId claimantName hoursSpent place declineReason
  viewerCanPublish viewerCanDecline viewerCanClaim viewerCanFulfil viewerCanConfirm viewerCanDispute`;

type Errors = { field: string[] | null; code: string; message: string }[];
export type WishResult = { wish: any; userErrors: Errors };

const ARG_TYPES: Record<string, string> = {
  id: 'ID!', expectedVersion: 'Int', note: 'String', reason: 'String!', hours: 'Decimal!', unitId: 'ID', idempotencyKey: 'String',
};

/** The mutations of a wish, as a client calls them over HTTP. */
export function wishClient(t: TestServer) {
  return {
    async submit(token: string, input: Record<string, unknown>, idempotencyKey?: string): Promise<WishResult> {
      const r = await t.gql(`mutation($input: WishSubmitInput!, $key: String) {
        wishSubmit(input: $input, idempotencyKey: $key) { wish { ${WISH_FIELDS} } userErrors { field code message } }
      }`, { input, key: idempotencyKey }, token);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data.wishSubmit;
    },
    /** One step; top-level errors (FORBIDDEN) come back as `errors` instead of a payload. */
    async raw(mutation: string, args: Record<string, unknown>, token: string) {
      const params = Object.keys(args).map((k) => `${k}: $${k}`).join(', ');
      const decl = Object.keys(args).map((k) => `$${k}: ${ARG_TYPES[k]}`).join(', ');
      return t.gql(`mutation(${decl}) { ${mutation}(${params}) { wish { ${WISH_FIELDS} } userErrors { field code message } } }`, args, token);
    },
    async step(mutation: string, args: Record<string, unknown>, token: string): Promise<WishResult> {
      const r = await this.raw(mutation, args, token);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data[mutation];
    },
  };
}

export const WISH_EVENTS = `subscription($filter: WishEventFilter, $after: String) {
  wishEvents(filter: $filter, after: $after) {
    cursor occurredAt
    transition { action fromStatus toStatus note hours actor { subject role } }
    wish { id status version title place }
  }
}`;
