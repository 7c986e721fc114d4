import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { OrderDirection, paginate } from '../../graphql/connection';
import { argumentKey, badUserInput, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { communities } from '../grid/grid.tables';
import type * as In from './list.inputs';
import { asCommunityListItem, type CommunityListItemRow } from './list.loaders';
import { LIST_ITEM_UNITS } from './party.scope';
import { communityListItems, reportIns } from './party.tables';

/** The three lists are public: residents, units and members read what is needed and offered. */
export function listCommunityListItems(ctx: Context, args: In.CommunityListItemsArgs) {
  const f = args.filter;
  if (!f.communityId && !f.within) throw badUserInput('filter needs communityId or within: the lists belong to a community.', 'filter');
  return paginate(ctx.db, {
    table: communityListItems,
    where: and(
      f.communityId ? eq(communityListItems.communityId, argumentKey(f.communityId, 'Community', 'filter.communityId')) : undefined,
      withinCondition(f.within, LIST_ITEM_UNITS),
      f.kinds?.length ? inArray(communityListItems.kind, f.kinds) : undefined,
      f.open === true ? isNull(communityListItems.closedAt) : f.open === false ? isNotNull(communityListItems.closedAt) : undefined,
    ),
    ordering: { column: communityListItems.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asCommunityListItem,
  });
}

/** An open entry of one list of the community, for a project to match. */
async function openEntry(tx: Tx, id: string, kind: 'NEED' | 'RESOURCE', communityId: number, field: string[]): Promise<CommunityListItemRow> {
  const [item] = await tx.select().from(communityListItems).where(eq(communityListItems.id, keyOf(id, 'CommunityListItem', field)));
  if (!item) refuse(field, UserErrorCode.NOT_FOUND, 'No community list entry has this ID.');
  const what = kind === 'NEED' ? 'need' : 'resource';
  if (item.kind !== kind) refuse(field, UserErrorCode.INVALID, `This entry is not a ${what}.`);
  if (item.communityId !== communityId) refuse(field, UserErrorCode.INVALID, `A project matches a ${what} of its own community.`);
  if (item.closedAt !== null) refuse(field, UserErrorCode.INVALID, `This ${what} is closed.`);
  return item;
}

/** Puts an entry on a community's needs, resources or projects list (需求/资源/项目清单). */
export async function addCommunityListItem(tx: Tx, viewer: Viewer, input: In.CommunityListItemAddInput) {
  const errors: UserError[] = [];
  const title = input.title.trim();
  if (!title) errors.push(userError(['input', 'title'], UserErrorCode.REQUIRED, 'A title is required.'));
  const misplaced = (f: 'reportInId' | 'needId' | 'resourceId', message: string) => {
    if (input[f]) errors.push(userError(['input', f], UserErrorCode.INVALID, message));
  };
  const missing = (f: 'reportInId' | 'needId' | 'resourceId', message: string) => {
    if (!input[f]) errors.push(userError(['input', f], UserErrorCode.REQUIRED, message));
  };
  if (input.kind === 'NEED') {
    misplaced('reportInId', 'A need is the residents\', offered by no report-in.');
    misplaced('needId', 'Only a project matches a need.');
    misplaced('resourceId', 'Only a project uses a resource.');
  } else if (input.kind === 'RESOURCE') {
    missing('reportInId', 'Say which report-in offers the resource.');
    misplaced('needId', 'Only a project matches a need.');
    misplaced('resourceId', 'Only a project uses a resource.');
  } else {
    misplaced('reportInId', 'A project is undertaken by the report-in that offers its resource.');
    missing('needId', 'Say which need the project meets.');
    missing('resourceId', 'Say which resource the project uses.');
  }
  if (errors.length) throw new UserErrors(errors);

  const field = ['input', 'communityId'];
  const [community] = await tx.select().from(communities).where(eq(communities.id, keyOf(input.communityId, 'Community', field)));
  if (!community) refuse(field, UserErrorCode.NOT_FOUND, 'No community has this ID.');
  await assertMayChange(tx, viewer, { districtId: community.districtId, streetId: community.streetId, communityId: community.id }, field);

  let reportInId: number | null = null;
  let needId: number | null = null;
  let resourceId: number | null = null;
  if (input.kind === 'RESOURCE') {
    const reportInField = ['input', 'reportInId'];
    const [reportIn] = await tx.select().from(reportIns).where(eq(reportIns.id, keyOf(input.reportInId!, 'ReportIn', reportInField)));
    if (!reportIn) refuse(reportInField, UserErrorCode.NOT_FOUND, 'No report-in has this ID.');
    if (reportIn.communityId !== community.id) refuse(reportInField, UserErrorCode.INVALID, 'A resource is offered by a report-in to this community.');
    if (reportIn.withdrawnAt !== null) refuse(reportInField, UserErrorCode.INVALID, 'This report-in was withdrawn; it offers nothing any more.');
    reportInId = reportIn.id;
  } else if (input.kind === 'PROJECT') {
    const need = await openEntry(tx, input.needId!, 'NEED', community.id, ['input', 'needId']);
    const resource = await openEntry(tx, input.resourceId!, 'RESOURCE', community.id, ['input', 'resourceId']);
    needId = need.id;
    resourceId = resource.id;
    reportInId = resource.reportInId;
  }
  const [row] = await tx.insert(communityListItems).values({
    districtId: community.districtId, streetId: community.streetId, communityId: community.id,
    kind: input.kind, title, detail: input.detail?.trim() || null, reportInId, needId, resourceId,
  }).returning();
  return asCommunityListItem(row);
}

/** Closes an entry: a need met, a resource used up, a project finished. */
export async function closeCommunityListItem(tx: Tx, viewer: Viewer, id: string) {
  const [item] = await tx.select().from(communityListItems).where(eq(communityListItems.id, keyOf(id, 'CommunityListItem', ['id']))).for('update');
  if (!item) refuse(['id'], UserErrorCode.NOT_FOUND, 'No community list entry has this ID.');
  await assertMayChange(tx, viewer, item, ['id']);
  if (item.closedAt !== null) refuse(['id'], UserErrorCode.INVALID_TRANSITION, `This entry was closed at ${item.closedAt.toISOString()}.`);
  const now = new Date();
  const [row] = await tx.update(communityListItems).set({ closedAt: now, updatedAt: now }).where(eq(communityListItems.id, item.id)).returning();
  return asCommunityListItem(row);
}
