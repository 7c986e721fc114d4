/**
 * An idempotency key belongs to the request that first used it (issue 14, point 7): a repeat
 * of that request answers the first result; the key with another operation or other input is
 * refused with IDEMPOTENCY_KEY_REUSED and changes nothing, as Stripe does.
 */
import { and, count, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { idempotencyKeys } from '../../../src/db/idempotency.tables';
import { auditLog } from '../../../src/modules/audit/audit.tables';
import { activitySignups, ledgerMovements, redemptions } from '../../../src/modules/volunteer/volunteer.tables';
import { startTestServer, type TestServer } from '../../helpers/server';
import { bankWorld, ERRORS, ledgerBalance, ok, refusals, type BankWorld, type Person } from './bank.fixtures';

let t: TestServer;
let w: BankWorld;
let teamId: string;
let shop: { id: string; token: string };

const REDEEM = `mutation($input: RedemptionCreateInput!, $key: String) {
  redemptionCreate(input: $input, idempotencyKey: $key) { redemption { id quantity item { id } } ${ERRORS} } }`;
const redeem = async (person: Person, input: Record<string, unknown>, key: string) => (await ok(t, REDEEM, { input, key }, person.token)).redemptionCreate;

const countOf = async (table: typeof redemptions | typeof ledgerMovements | typeof activitySignups) => (await t.database.db.select({ n: count() }).from(table))[0].n;
const keyRows = async (person: Person, key: string) => (await t.database.db.select({ n: count() }).from(idempotencyKeys)
  .where(and(eq(idempotencyKeys.subject, `volunteer-idem-${person.key}`), eq(idempotencyKeys.key, key))))[0].n;

/** What a refused reuse must leave as it was: redemptions, movements, sign-ups and the person's balance. */
async function books(person: Person) {
  return { redemptions: await countOf(redemptions), movements: await countOf(ledgerMovements), signups: await countOf(activitySignups), balance: await ledgerBalance(t, person.key) };
}

beforeAll(async () => {
  t = await startTestServer();
  w = await bankWorld(t, 'idem');
  teamId = await w.team('幂等测试队');
  shop = await w.merchant('幂等超市');
});
afterAll(async () => t?.close());

describe('an idempotency key is bound to its request', () => {
  test('the same key with the same input, its members in another order, answers the first redemption and spends once', async () => {
    const buyer = await w.volunteerWithPoints(teamId, '赵一', 2);
    const soap = await w.item(shop.token, '香皂', 1);
    const first = await redeem(buyer, { itemId: soap, quantity: 2 }, 'buy-soap');
    expect(first.userErrors).toEqual([]);
    const after = await books(buyer);
    expect(await redeem(buyer, { quantity: 2, itemId: soap }, 'buy-soap')).toEqual(first);
    expect(await books(buyer)).toEqual(after);
    expect(await keyRows(buyer, 'buy-soap')).toBe(1);
  });

  test('redeeming item 36 with the key of the item-37 redemption is IDEMPOTENCY_KEY_REUSED, and nothing is spent', async () => {
    const buyer = await w.volunteerWithPoints(teamId, '钱二', 4);
    const item37 = await w.item(shop.token, '食用油', 1);
    const item36 = await w.item(shop.token, '大米', 1);
    const bought = await redeem(buyer, { itemId: item37, quantity: 1 }, 'phone-purchase-1');
    expect(bought.redemption.item.id).toBe(item37);
    const before = await books(buyer);

    const reused = await redeem(buyer, { itemId: item36, quantity: 1 }, 'phone-purchase-1');
    expect(reused.redemption).toBeNull();
    expect(refusals(reused)).toEqual([[['idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
    expect(reused.userErrors[0].message).toMatch(/already used for another request/);
    expect(await books(buyer)).toEqual(before);
    expect(await keyRows(buyer, 'phone-purchase-1')).toBe(1);

    const otherQuantity = await redeem(buyer, { itemId: item37, quantity: 2 }, 'phone-purchase-1');
    expect(refusals(otherQuantity)).toEqual([[['idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
    expect(await books(buyer)).toEqual(before);

    const [audit] = await t.database.db.select().from(auditLog).where(eq(auditLog.operation, 'Mutation.redemptionCreate')).orderBy(desc(auditLog.id)).limit(1);
    expect([audit.outcome, audit.codes]).toEqual(['REFUSED', ['IDEMPOTENCY_KEY_REUSED']]);

    // The first request, repeated, still answers its redemption.
    expect(await redeem(buyer, { itemId: item37, quantity: 1 }, 'phone-purchase-1')).toEqual(bought);
  });

  test('the key of a redemption used for a sign-up is IDEMPOTENCY_KEY_REUSED, and no sign-up is made', async () => {
    const person = await w.volunteerWithPoints(teamId, '孙三', 1);
    const tea = await w.item(shop.token, '茶叶', 1);
    expect((await redeem(person, { itemId: tea, quantity: 1 }, 'k-1')).userErrors).toEqual([]);
    const activity = await w.activity(teamId, w.secretary, 24, 2, 10, '周末义诊');
    const before = await books(person);
    const signUp = (await ok(t, `mutation($a: ID!, $key: String) { activitySignUp(activityId: $a, idempotencyKey: $key) { signup { id } ${ERRORS} } }`,
      { a: activity, key: 'k-1' }, person.token)).activitySignUp;
    expect(signUp.signup).toBeNull();
    expect(refusals(signUp)).toEqual([[['idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
    expect(await books(person)).toEqual(before);
  });

  test('keys are per caller: another volunteer may use the same key for a purchase of their own', async () => {
    const [one, two] = [await w.volunteerWithPoints(teamId, '周四', 1), await w.volunteerWithPoints(teamId, '吴五', 1)];
    const [salt, sugar] = [await w.item(shop.token, '食盐', 1), await w.item(shop.token, '白糖', 1)];
    const a = await redeem(one, { itemId: salt, quantity: 1 }, 'my-first-purchase');
    const b = await redeem(two, { itemId: sugar, quantity: 1 }, 'my-first-purchase');
    expect([a.userErrors, b.userErrors]).toEqual([[], []]);
    expect(b.redemption.item.id).toBe(sugar);
  });

  test('a key claimed before keys kept their arguments answers repeats of its operation and refuses other operations', async () => {
    const person = await w.volunteerWithPoints(teamId, '郑六', 2);
    const noodles = await w.item(shop.token, '挂面', 1);
    const bought = await redeem(person, { itemId: noodles, quantity: 1 }, 'old-phone-key');
    await t.database.db.update(idempotencyKeys).set({ requestDigest: null })
      .where(and(eq(idempotencyKeys.subject, `volunteer-idem-${person.key}`), eq(idempotencyKeys.key, 'old-phone-key')));
    const before = await books(person);
    expect(await redeem(person, { itemId: noodles, quantity: 1 }, 'old-phone-key')).toEqual(bought);
    const activity = await w.activity(teamId, w.secretary, 24, 2, 10, '旧钥匙活动');
    const signUp = (await ok(t, `mutation($a: ID!, $key: String) { activitySignUp(activityId: $a, idempotencyKey: $key) { signup { id } ${ERRORS} } }`,
      { a: activity, key: 'old-phone-key' }, person.token)).activitySignUp;
    expect(refusals(signUp)).toEqual([[['idempotencyKey'], 'IDEMPOTENCY_KEY_REUSED']]);
    expect(await books(person)).toEqual(before);
  });
});
