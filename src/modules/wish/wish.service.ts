import { and, count, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { withinCondition } from '../../auth/scope';
import type { Viewer } from '../../auth/viewer';
import { chinaDate } from '../../calendar';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { appendEvent } from '../../events/outbox';
import type { EventScope } from '../../events/outbox.tables';
import { OrderDirection, paginate, pageWindow, type ForwardPageArgs, type Page } from '../../graphql/connection';
import { argumentKey, assertVersion, badUserInput, keyOf, refuse, userError, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { assertMayChange } from '../grid/grid.service';
import { grids, households } from '../grid/grid.tables';
import { recordWishParticipation } from '../party/participation.service';
import { partyMembers, reportIns, reportingUnits } from '../party/party.tables';
import { creditService, volunteerOfPartyMember } from '../volunteer/bank.ledger';
import { volunteers } from '../volunteer/volunteer.tables';
import type * as In from './wish.inputs';
import { asTransition, asWish, type WishNode, type WishRow } from './wish.loaders';
import {
  claimantKindOf, hoursProblem, mayAct, nextStatus, type TransitionAction, type WishAction, type WishStatus,
} from './wish.machine';
import { actionScope, WISH_UNITS, wishScope } from './wish.scope';
import { wishes, wishTransitions } from './wish.tables';

export const WISH_TOPIC = 'wish';

const MAX_NOTE = 500;

/** What a subscriber's filter and scope are matched against: where the wish is, whose it is, who took it. */
function eventScope(row: WishRow, gridCode: string): EventScope {
  return {
    districtId: row.districtId,
    streetId: row.streetId,
    communityId: row.communityId,
    gridId: row.gridId,
    gridCode,
    householdId: row.householdId,
    partyMemberId: row.claimantMemberId,
    volunteerId: row.claimantVolunteerId,
  };
}

/** Appends the timeline entry and, as the transaction's last write, the event. */
async function record(tx: Tx, viewer: Viewer, row: WishRow, action: WishAction, from: WishStatus | null, note: string | null, hours: string | null) {
  const [transition] = await tx.insert(wishTransitions).values({
    wishId: row.id, action, fromStatus: from, toStatus: row.status, actorSubject: viewer.subject!, actorRole: viewer.role!, note, hours,
  }).returning();
  const [grid] = await tx.select({ code: grids.code }).from(grids).where(eq(grids.id, row.gridId));
  await appendEvent(tx, { topic: WISH_TOPIC, scope: eventScope(row, grid.code), payload: { wish: row, transition } });
  return transition;
}

// Submit ------------------------------------------------------------------------------------

/**
 * A resident orders for their own household (居民点单); a grid worker for a household of
 * their grids, for a resident without a phone. The place comes from the household.
 */
export async function submitWish(tx: Tx, viewer: Viewer, input: In.WishSubmitInput) {
  const title = input.title.trim();
  const detail = input.detail.trim();
  const errors: UserError[] = [];
  if (!title) errors.push(userError(['input', 'title'], UserErrorCode.REQUIRED, 'A title is required.'));
  if (!detail) errors.push(userError(['input', 'detail'], UserErrorCode.REQUIRED, 'The detail is required.'));
  if (errors.length) throw new UserErrors(errors);

  const field = ['input', 'householdId'];
  let householdKey: number;
  if (viewer.role === Role.RESIDENT) {
    householdKey = viewer.unit!.key;
    if (input.householdId && keyOf(input.householdId, 'Household', field) !== householdKey) {
      refuse(field, UserErrorCode.OUT_OF_SCOPE, 'A resident submits wishes for their own household only.');
    }
  } else {
    if (!input.householdId) refuse(field, UserErrorCode.REQUIRED, 'Name the household the wish is for.');
    householdKey = keyOf(input.householdId, 'Household', field);
  }
  const [household] = await tx.select().from(households).where(eq(households.id, householdKey));
  if (!household) refuse(field, UserErrorCode.NOT_FOUND, 'No household has this ID.');
  if (viewer.role !== Role.RESIDENT) {
    await assertMayChange(tx, viewer, { districtId: household.districtId, streetId: household.streetId, communityId: household.communityId, gridId: household.gridId }, field);
  }

  const [row] = await tx.insert(wishes).values({
    districtId: household.districtId, streetId: household.streetId, communityId: household.communityId, gridId: household.gridId,
    buildingId: household.buildingId, householdId: household.id, category: input.category, title, detail,
    submitterSubject: viewer.subject!, submitterRole: viewer.role!,
  }).returning();
  await record(tx, viewer, row, 'SUBMIT', null, null, null);
  return asWish(row);
}

// Transitions -------------------------------------------------------------------------------

export interface TransitionRequest {
  id: string;
  expectedVersion?: number | null;
  note?: string | null;
  /** Why a wish is declined or disputed. */
  reason?: string | null;
  hours?: string | null;
  unitId?: string | null;
}

const REASON_REQUIRED: Partial<Record<TransitionAction, string>> = {
  DECLINE: 'Say why the wish is declined: the resident reads this answer.',
  DISPUTE: 'Say what is not done: the claimant reads this before fulfilling again.',
};

/** Format and presence of what the step needs, before anything is read. */
function checkRequest(viewer: Viewer, action: TransitionAction, request: TransitionRequest): { note: string | null; hours: string | null } {
  const errors: UserError[] = [];
  const reasonNeeded = REASON_REQUIRED[action];
  const note = (reasonNeeded ? request.reason : request.note)?.trim() || null;
  const noteField = reasonNeeded ? ['reason'] : ['note'];
  if (reasonNeeded && !note) errors.push(userError(noteField, UserErrorCode.REQUIRED, reasonNeeded));
  if (note && note.length > MAX_NOTE) errors.push(userError(noteField, UserErrorCode.INVALID, `At most ${MAX_NOTE} characters.`));
  let hours: string | null = null;
  if (action === 'FULFIL') {
    const problem = hoursProblem(request.hours ?? '');
    if (problem) errors.push(userError(['hours'], UserErrorCode.INVALID, problem));
    else hours = request.hours!;
  }
  if (action === 'CLAIM') {
    const forUnit = claimantKindOf(viewer.role) === 'UNIT';
    if (forUnit && !request.unitId) {
      errors.push(userError(['unitId'], UserErrorCode.REQUIRED, 'Staff claim for a reporting unit of the community: name the unit.'));
    }
    if (!forUnit && request.unitId) {
      errors.push(userError(['unitId'], UserErrorCode.INVALID, 'A party member or volunteer claims as themself; only community staff claim for a unit.'));
    }
  }
  if (errors.length) throw new UserErrors(errors);
  return { note, hours };
}

/** Who takes the wish: the member or volunteer the token names, or a unit reported in to the wish's community. */
async function claimantColumns(tx: Tx, viewer: Viewer, wish: WishRow, unitId: string | null | undefined): Promise<Partial<WishRow>> {
  const kind = claimantKindOf(viewer.role)!;
  if (kind === 'PARTY_MEMBER') {
    const [member] = await tx.select({ id: partyMembers.id }).from(partyMembers).where(eq(partyMembers.id, viewer.unit!.key));
    if (!member) refuse(null, UserErrorCode.NOT_FOUND, 'Your token names no registered party member.');
    return { claimantKind: kind, claimantMemberId: member.id };
  }
  if (kind === 'VOLUNTEER') {
    const [volunteer] = await tx.select({ id: volunteers.id }).from(volunteers).where(eq(volunteers.id, viewer.unit!.key));
    if (!volunteer) refuse(null, UserErrorCode.NOT_FOUND, 'Your token names no registered volunteer.');
    return { claimantKind: kind, claimantVolunteerId: volunteer.id };
  }
  const field = ['unitId'];
  const unitKey = keyOf(unitId!, 'ReportingUnit', field);
  const [unit] = await tx.select({ id: reportingUnits.id, reportInId: reportIns.id }).from(reportingUnits)
    .leftJoin(reportIns, and(eq(reportIns.unitId, reportingUnits.id), eq(reportIns.communityId, wish.communityId), isNull(reportIns.withdrawnAt)))
    .where(eq(reportingUnits.id, unitKey));
  if (!unit) refuse(field, UserErrorCode.NOT_FOUND, 'No reporting unit has this ID.');
  if (unit.reportInId === null) refuse(field, UserErrorCode.INVALID, 'This unit has not reported in to the wish\'s community (双报到).');
  return { claimantKind: kind, claimantUnitId: unit.id };
}

/**
 * On confirmation the claimant's service counts: a member's or volunteer's hours and points
 * go to the love bank (on the day of the fulfilment, at that day's rate), and a unit's or
 * member's service counts as a participation of their report-in to the community.
 */
async function creditConfirmed(tx: Tx, viewer: Viewer, wish: WishRow): Promise<void> {
  const hours = wish.hoursSpent!;
  const occurredOn = chinaDate(wish.fulfilledAt!);
  if (wish.claimantKind === 'PARTY_MEMBER' || wish.claimantKind === 'VOLUNTEER') {
    const volunteerId = wish.claimantKind === 'PARTY_MEMBER' ? await volunteerOfPartyMember(tx, wish.claimantMemberId!) : wish.claimantVolunteerId!;
    await creditService(tx, {
      kind: 'WISH', volunteerId, hours, occurredOn, wishId: wish.id, note: wish.title, actor: { subject: viewer.subject!, role: viewer.role! },
    });
  }
  if (wish.claimantKind === 'PARTY_MEMBER' || wish.claimantKind === 'UNIT') {
    await recordWishParticipation(tx, {
      id: wish.id, communityId: wish.communityId, districtId: wish.districtId, streetId: wish.streetId, hours, occurredOn,
    }, { unitId: wish.claimantUnitId, memberId: wish.claimantMemberId }, viewer.subject!);
  }
}

function refusalOf(action: TransitionAction): string {
  if (action === 'FULFIL') return 'Only the claimant of this wish may fulfil it.';
  if (action === 'CONFIRM' || action === 'DISPUTE') return 'Only the resident of the wish\'s household may do this.';
  return 'You may not do this.';
}

/**
 * One step of a wish. Refusals leave it exactly as it was: the row is locked (so two claims
 * cannot both win), the version compared, the state machine asked, and only then is
 * anything written.
 */
export async function transitionWish(tx: Tx, viewer: Viewer, action: TransitionAction, request: TransitionRequest) {
  const key = keyOf(request.id, 'Wish', ['id']);
  const { note, hours } = checkRequest(viewer, action, request);

  const [wish] = await tx.select().from(wishes).where(and(eq(wishes.id, key), actionScope(viewer))).for('update');
  if (!wish) refuse(['id'], UserErrorCode.NOT_FOUND, 'No wish you may see has this ID.');
  assertVersion(request.expectedVersion, wish.version, 'wish');
  const to = nextStatus(wish.status, action);
  if (to === null) {
    const why = action === 'CLAIM' && wish.claimantKind !== null ? 'This wish was claimed already.' : `A wish that is ${wish.status} cannot take the step ${action}.`;
    refuse(['id'], UserErrorCode.INVALID_TRANSITION, why);
  }
  if (!mayAct(action, wish, viewer)) refuse(['id'], UserErrorCode.OUT_OF_SCOPE, refusalOf(action));

  const now = new Date();
  let changes: Partial<typeof wishes.$inferInsert> = { status: to, version: wish.version + 1, updatedAt: now };
  switch (action) {
    case 'PUBLISH':
      changes.publishedAt = now;
      break;
    case 'DECLINE':
      changes.declineReason = note;
      changes.closedAt = now;
      break;
    case 'CLAIM':
      changes = { ...changes, ...(await claimantColumns(tx, viewer, wish, request.unitId)), claimedAt: now };
      break;
    case 'FULFIL':
      changes.hoursSpent = hours;
      changes.fulfilledAt = now;
      break;
    case 'CONFIRM':
      changes.closedAt = now;
      break;
    case 'DISPUTE':
      break;
  }
  const [row] = await tx.update(wishes).set(changes).where(eq(wishes.id, key)).returning();
  if (action === 'CONFIRM') await creditConfirmed(tx, viewer, row);
  const transition = await record(tx, viewer, row, action, wish.status, note, hours);
  return { wish: asWish(row), transition: asTransition(transition) };
}

// Reads -------------------------------------------------------------------------------------

/** Wishes the viewer claimed: as the member or volunteer their token names, or for a unit by their own CLAIM step. */
function claimedBy(viewer: Viewer): SQL {
  if (viewer.role === Role.PARTY_MEMBER) return eq(wishes.claimantMemberId, viewer.unit!.key);
  if (viewer.role === Role.VOLUNTEER) return eq(wishes.claimantVolunteerId, viewer.unit!.key);
  return sql`exists (select 1 from ${wishTransitions} t where t.wish_id = ${wishes.id} and t.action = 'CLAIM' and t.actor_subject = ${viewer.subject ?? ''})`;
}

export function listWishes(ctx: Context, args: In.WishesArgs) {
  const f = args.filter;
  const householdKey = f?.householdId ? argumentKey(f.householdId, 'Household', 'filter.householdId') : null;
  return paginate(ctx.db, {
    table: wishes,
    where: and(
      wishScope(ctx.viewer),
      withinCondition(f?.within, WISH_UNITS),
      f?.statuses?.length ? inArray(wishes.status, f.statuses) : undefined,
      f?.categories?.length ? inArray(wishes.category, f.categories) : undefined,
      f?.claimedByMe === true ? claimedBy(ctx.viewer) : f?.claimedByMe === false ? sql`not coalesce(${claimedBy(ctx.viewer)}, false)` : undefined,
      householdKey !== null ? eq(wishes.householdId, householdKey) : undefined,
    ),
    ordering: { column: wishes.id, key: 'id', direction: OrderDirection.DESC },
    args,
    map: asWish,
  });
}

/** A cursor of `openWishesNear`, in the shape every connection of the API uses: [sort value, id]. */
function nearCursor(nearness: number, id: number): string {
  return Buffer.from(JSON.stringify([nearness, id]), 'utf8').toString('base64url');
}

/**
 * Open wishes (PUBLISHED) the viewer may read, those of the grid itself first, then by the
 * distance between the centre of each wish's grid and the centre of this grid (PostgreSQL's
 * core geometry: `@@` is a polygon's centre, `<->` the distance). Keyset-paged on that
 * nearness and the id.
 */
export async function openWishesNear(ctx: Context, gridId: string, args: ForwardPageArgs): Promise<Page<WishNode>> {
  const gridKey = argumentKey(gridId, 'Grid', 'grid');
  const window = pageWindow(args);
  const [target] = await ctx.db.select({ id: grids.id }).from(grids).where(eq(grids.id, gridKey));
  if (!target) throw badUserInput('grid must be the ID of a grid.', 'grid');
  const nearness = sql<number>`(case when ${wishes.gridId} = ${gridKey} then -1::float8
    else (@@ ${grids.boundary}) <-> (select @@ g.boundary from ${grids} g where g.id = ${gridKey}) end)`;
  const where = and(eq(wishes.status, 'PUBLISHED'), wishScope(ctx.viewer));
  const beyond = window.cursor ? sql`(${nearness}, ${wishes.id}) > (${window.cursor[0]}::float8, ${window.cursor[1]}::int)` : undefined;
  const rows = await ctx.db.select({ ...getTableColumns(wishes), nearness: nearness.mapWith(Number) })
    .from(wishes).innerJoin(grids, eq(grids.id, wishes.gridId))
    .where(and(where, beyond))
    .orderBy(nearness, wishes.id)
    .limit(window.limit + 1);
  const more = rows.length > window.limit;
  const edges = rows.slice(0, window.limit).map(({ nearness: value, ...row }) => ({ cursor: nearCursor(value, row.id), node: asWish(row) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: more, hasPreviousPage: window.cursor !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: async () => {
      const [{ n }] = await ctx.db.select({ n: count() }).from(wishes).where(where);
      return n;
    },
  };
}
