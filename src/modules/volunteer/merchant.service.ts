import { and, eq, gte, sql } from 'drizzle-orm';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { keyOf, refuse, userError, UserErrorCode, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { communities } from '../grid/grid.tables';
import { merchantAccount, postCoveredMovement, volunteerAccount } from './bank.ledger';
import type * as In from './volunteer.inputs';
import { asItem, asMerchant, asRedemption, type ItemRow } from './volunteer.loaders';
import { MERCHANT_UNITS, tokenMerchantKey } from './volunteer.scope';
import { contains } from '../../db/search';
import { actingVolunteer, refuseAll, requiredText } from './volunteer.service';
import { merchantItems, merchants, redemptions } from './volunteer.tables';

export function listMerchants(ctx: Context, args: In.MerchantsArgs) {
  return paginate(ctx.db, {
    table: merchants,
    where: and(withinCondition(args.filter?.within, MERCHANT_UNITS), contains(merchants.name, args.filter?.nameContains)),
    ordering: { column: merchants.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asMerchant,
  });
}

/** A street office (or the city) signs up a partner merchant (联盟商户) in one of its communities. */
export async function createMerchant(tx: Tx, viewer: Viewer, input: In.MerchantCreateInput) {
  const errors: UserError[] = [];
  const name = requiredText(input.name, ['input', 'name'], 'A merchant has a name.', errors);
  const address = requiredText(input.address, ['input', 'address'], 'A merchant has an address.', errors);
  const phone = input.phone?.trim() || null;
  if (phone !== null && !/^[0-9-]{7,20}$/.test(phone)) errors.push(userError(['input', 'phone'], UserErrorCode.INVALID, 'A phone has 7 to 20 digits or "-".'));
  refuseAll(errors);
  const field = ['input', 'communityId'];
  const [community] = await tx.select().from(communities).where(eq(communities.id, keyOf(input.communityId, 'Community', field)));
  if (!community) refuse(field, UserErrorCode.NOT_FOUND, 'No community has this ID.');
  await assertMayChange(tx, viewer, { districtId: community.districtId, streetId: community.streetId, communityId: community.id }, field);
  const [row] = await tx.insert(merchants).values({
    districtId: community.districtId, streetId: community.streetId, communityId: community.id, name, address, phone,
  }).returning();
  return asMerchant(row);
}

function ownMerchantKey(viewer: Viewer): number {
  const key = tokenMerchantKey(viewer);
  if (key === null) refuse(null, UserErrorCode.OUT_OF_SCOPE, 'Only a merchant keeps its own items.');
  return key;
}

/** The merchant of the token offers a new item for points. */
export async function createItem(tx: Tx, viewer: Viewer, input: In.MerchantItemCreateInput) {
  const errors: UserError[] = [];
  const name = requiredText(input.name, ['input', 'name'], 'An item has a name.', errors);
  refuseAll(errors);
  const merchantKey = ownMerchantKey(viewer);
  const [merchant] = await tx.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, merchantKey));
  if (!merchant) refuse(null, UserErrorCode.NOT_FOUND, 'Your token names no partner merchant.');
  const [row] = await tx.insert(merchantItems).values({ merchantId: merchant.id, name, pricePoints: input.pricePoints, stock: input.stock ?? null }).returning();
  return asItem(row);
}

/** The merchant changes one of its own items; another merchant's is not found. */
export async function updateItem(tx: Tx, viewer: Viewer, id: string, input: In.MerchantItemUpdateInput) {
  const merchantKey = ownMerchantKey(viewer);
  const key = keyOf(id, 'MerchantItem', ['id']);
  const [item] = await tx.select().from(merchantItems).where(and(eq(merchantItems.id, key), eq(merchantItems.merchantId, merchantKey))).for('update');
  if (!item) refuse(['id'], UserErrorCode.NOT_FOUND, 'None of your items has this ID.');
  const errors: UserError[] = [];
  const changes: Partial<ItemRow> = { updatedAt: new Date() };
  if (input.name !== undefined && input.name !== null) changes.name = requiredText(input.name, ['input', 'name'], 'An item has a name.', errors);
  if (input.pricePoints !== undefined && input.pricePoints !== null) changes.pricePoints = input.pricePoints;
  if (input.stock !== undefined) changes.stock = input.stock;
  if (input.active !== undefined && input.active !== null) changes.active = input.active;
  refuseAll(errors);
  const [row] = await tx.update(merchantItems).set(changes).where(eq(merchantItems.id, item.id)).returning();
  return asItem(row);
}

/**
 * A volunteer spends points on an item (积分兑换). A counted stock is taken down by a
 * conditional update, which locks the item row only for items that have a stock, so
 * redemptions of an unlimited item never queue behind each other; the points move from the
 * volunteer to the merchant through postCoveredMovement, which locks the volunteer's account
 * and refuses what the balance does not cover. Any refusal leaves stock, books and
 * redemptions as they were.
 */
export async function redeem(tx: Tx, viewer: Viewer, input: In.RedemptionCreateInput) {
  const volunteer = await actingVolunteer(tx, viewer, null);
  const field = ['input', 'itemId'];
  const [item] = await tx.select().from(merchantItems).where(eq(merchantItems.id, keyOf(input.itemId, 'MerchantItem', field)));
  if (!item) refuse(field, UserErrorCode.NOT_FOUND, 'No item has this ID.');
  if (!item.active) refuse(field, UserErrorCode.INVALID_TRANSITION, 'The merchant no longer offers this item.');
  if (item.stock !== null) {
    const [taken] = await tx.update(merchantItems).set({ stock: sql`${merchantItems.stock} - ${input.quantity}`, updatedAt: new Date() })
      .where(and(eq(merchantItems.id, item.id), gte(merchantItems.stock, input.quantity))).returning({ id: merchantItems.id });
    if (!taken) {
      const [left] = await tx.select({ stock: merchantItems.stock }).from(merchantItems).where(eq(merchantItems.id, item.id));
      refuse(['input', 'quantity'], UserErrorCode.CAPACITY_REACHED, left.stock === 0 ? 'This item is out of stock.' : `Only ${left.stock} left.`);
    }
  }
  const points = item.pricePoints * input.quantity;
  const [redemption] = await tx.insert(redemptions).values({
    volunteerId: volunteer.id, merchantId: item.merchantId, itemId: item.id, quantity: input.quantity, points, actorSubject: viewer.subject!,
  }).returning();
  const [from, to] = await Promise.all([volunteerAccount(tx, volunteer.id), merchantAccount(tx, item.merchantId)]);
  await postCoveredMovement(tx, {
    kind: 'REDEMPTION', occurredOn: chinaDate(redemption.redeemedAt), actor: { subject: viewer.subject!, role: viewer.role! },
    redemptionId: redemption.id, note: `${item.name} × ${input.quantity}`,
  }, [
    { accountId: from, asset: 'POINTS', amount: `-${points}.00` },
    { accountId: to, asset: 'POINTS', amount: `${points}.00` },
  ], ['input', 'itemId']);
  return asRedemption(redemption);
}
