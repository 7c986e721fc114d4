import { asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hundredths } from '../../../src/modules/volunteer/bank.amounts';
import { rateOn } from '../../../src/modules/volunteer/bank.ledger';
import { bankAccounts, ledgerEntries, ledgerMovements, merchantItems, redemptions } from '../../../src/modules/volunteer/volunteer.tables';
import { onServer } from '../../helpers/database';
import { startTestServer, type TestServer } from '../../helpers/server';
import { bankWorld, ERRORS, keyOfId, ledgerBalance, today, type BankWorld } from './bank.fixtures';

/** Real concurrency needs real connections: a PostgreSQL server, where each request holds its own. */
describe.runIf(onServer())('the love bank under concurrent requests (PostgreSQL server)', () => {
  let t: TestServer;
  let w: BankWorld;
  let teamId: string;

  const REDEEM = `mutation($input: RedemptionCreateInput!, $key: String) { redemptionCreate(input: $input, idempotencyKey: $key) { redemption { id } ${ERRORS} } }`;
  const SIGN_UP = `mutation($a: ID!) { activitySignUp(activityId: $a) { signup { id } ${ERRORS} } }`;

  /** Sends the requests at once, over separate HTTP requests, and answers each payload. */
  async function together(requests: { query: string; variables: Record<string, unknown>; token: string }[], field: string) {
    const answers = await Promise.all(requests.map((r) => t.gql(r.query, r.variables, r.token)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    return answers.map((a) => a.data[field] as { userErrors: { code: string }[] });
  }

  beforeAll(async () => {
    t = await startTestServer();
    w = await bankWorld(t, 'race');
    teamId = await w.team('并发测试队');
  });
  afterAll(async () => t?.close());

  test('20 redemptions at once against a balance that covers 5: exactly 5 succeed, 15 are INSUFFICIENT_BALANCE, the balance ends at 0 and never dips below', async () => {
    const rate = await rateOn(t.database.db, today());
    const spender = await w.volunteerWithPoints(teamId, '并发甲', 5);
    expect((await ledgerBalance(t, spender.key)).points).toBe(5 * rate);
    // Four items at two merchants, in turn: the item locks do not line the requests up, only the account lock can.
    const shops = [await w.merchant('并发超市一'), await w.merchant('并发超市二')];
    const items = [
      await w.item(shops[0].token, '毛巾', rate), await w.item(shops[0].token, '牙膏', rate),
      await w.item(shops[1].token, '香皂', rate), await w.item(shops[1].token, '洗衣粉', rate),
    ];
    const payloads = await together(Array.from({ length: 20 }, (_, i) => ({
      query: REDEEM, variables: { input: { itemId: items[i % 4], quantity: 1 }, key: `race-${i}` }, token: spender.token,
    })), 'redemptionCreate');
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(5);
    expect(payloads.filter((p) => p.userErrors.map((e) => e.code).join() === 'INSUFFICIENT_BALANCE')).toHaveLength(15);
    expect(await ledgerBalance(t, spender.key)).toMatchObject({ points: 0 });
    expect((await t.database.db.select({ n: count() }).from(redemptions).where(eq(redemptions.volunteerId, spender.key)))[0].n).toBe(5);

    const [account] = await t.database.db.select().from(bankAccounts).where(eq(bankAccounts.volunteerId, spender.key));
    const entries = await t.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.accountId, account.id)).orderBy(asc(ledgerEntries.id));
    let running = 0n;
    for (const entry of entries.filter((e) => e.asset === 'POINTS')) {
      running += hundredths(entry.amount);
      expect(running >= 0n).toBe(true);
    }
    expect(running).toBe(0n);
  });

  test('the same redemption sent 8 times at once with one idempotency key spends once', async () => {
    const rate = await rateOn(t.database.db, today());
    const buyer = await w.volunteerWithPoints(teamId, '并发乙', 1);
    const shop = await w.merchant('并发超市三');
    const item = await w.item(shop.token, '挂面', 1);
    const movementsBefore = (await t.database.db.select({ n: count() }).from(ledgerMovements))[0].n;
    const answers = await Promise.all(Array.from({ length: 8 }, () => t.gql(REDEEM, { input: { itemId: item, quantity: 1 }, key: 'one-purchase' }, buyer.token)));
    const ids = new Set(answers.map((a) => a.data.redemptionCreate.redemption.id));
    expect(ids.size).toBe(1);
    expect((await t.database.db.select({ n: count() }).from(ledgerMovements))[0].n).toBe(movementsBefore + 1);
    expect((await ledgerBalance(t, buyer.key)).points).toBe(rate - 1);
  });

  test('one idempotency key sent at once with four different items: one redemption, the other three IDEMPOTENCY_KEY_REUSED', async () => {
    const rate = await rateOn(t.database.db, today());
    const buyer = await w.volunteerWithPoints(teamId, '并发丙', 4);
    const shop = await w.merchant('并发超市五');
    const items = [await w.item(shop.token, '酱油', 1), await w.item(shop.token, '米醋', 1), await w.item(shop.token, '食盐', 1), await w.item(shop.token, '白糖', 1)];
    const payloads = await together(items.map((itemId) => ({ query: REDEEM, variables: { input: { itemId, quantity: 1 }, key: 'one-key-four-items' }, token: buyer.token })), 'redemptionCreate');
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(1);
    expect(payloads.filter((p) => p.userErrors.map((e) => e.code).join() === 'IDEMPOTENCY_KEY_REUSED')).toHaveLength(3);
    expect((await t.database.db.select({ n: count() }).from(redemptions).where(eq(redemptions.volunteerId, buyer.key)))[0].n).toBe(1);
    expect((await ledgerBalance(t, buyer.key)).points).toBe(4 * rate - 1);
  });

  test('10 redemptions at once of an item with 3 in stock: 3 succeed, 7 are CAPACITY_REACHED, stock ends at 0', async () => {
    const buyers = [];
    for (let i = 0; i < 10; i += 1) buyers.push(await w.volunteerWithPoints(teamId, `并发买家${i}`, 1));
    const shop = await w.merchant('并发超市四');
    const item = await w.item(shop.token, '限量月饼', 1, 3);
    const payloads = await together(buyers.map((b, i) => ({ query: REDEEM, variables: { input: { itemId: item, quantity: 1 }, key: `stock-${i}` }, token: b.token })), 'redemptionCreate');
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(3);
    expect(payloads.filter((p) => p.userErrors.map((e) => e.code).join() === 'CAPACITY_REACHED')).toHaveLength(7);
    const [row] = await t.database.db.select().from(merchantItems).where(eq(merchantItems.id, keyOfId(item)));
    expect(row.stock).toBe(0);
  });

  test('12 sign-ups at once for 4 places: exactly 4 hold a place, 8 are CAPACITY_REACHED', async () => {
    const people = [];
    for (let i = 0; i < 12; i += 1) people.push(await w.volunteer(`报名者${i}`));
    const activity = await w.activity(teamId, w.secretary, 24, 2, 4, '限额活动');
    const payloads = await together(people.map((p) => ({ query: SIGN_UP, variables: { a: activity }, token: p.token })), 'activitySignUp');
    expect(payloads.filter((p) => p.userErrors.length === 0)).toHaveLength(4);
    expect(payloads.filter((p) => p.userErrors.map((e) => e.code).join() === 'CAPACITY_REACHED')).toHaveLength(8);
    const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on VolunteerActivity { signedUp placesLeft } } }`, { id: activity });
    expect(r.data.node).toEqual({ signedUp: 4, placesLeft: 0 });
  });
});
