import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Tx } from '../../db/client';
import { appendEvent } from '../../events/outbox';
import type { EventScope } from '../../events/outbox.tables';
import { OrderDirection, paginate } from '../../graphql/connection';
import { badUserInput, refuse, UserErrorCode, UserErrors, type UserError } from '../../graphql/errors';
import { grids } from '../grid/grid.tables';
import { contentHashOf, verifyChain } from './disclosure.chain';
import type * as In from './disclosure.inputs';
import { asDisclosure, disclosureScope, type DisclosureNode } from './disclosure.loaders';
import type { LedgerMonthRow } from './ledger.loaders';
import { fenToYuan, parseMonth, previousMonth, type Month } from './ledger.rules';
import {
  assertCommitteeOf, checkText, compoundKeyOfArgument, lockCompound, monthArgument, monthRow, prepareLedger, saveLedger, type CompoundRow,
} from './ledger.service';
import { compoundScope } from './property.scope';
import { annualPlans, compounds, disclosures, ledgerLines, ledgerMonths, planItems, propertyCompanies, propertyContracts } from './property.tables';

export const DISCLOSURE_TOPIC = 'disclosure';

/** The format of the canonical content; a later format gets a new name, old versions keep theirs. */
export const CONTENT_FORMAT = 'gridgov.disclosure/1';

const money = (fen: number) => ({ fen, yuan: fenToYuan(fen) });

export interface ContentParts {
  compound: CompoundRow;
  month: Month;
  row: LedgerMonthRow;
  contract: typeof propertyContracts.$inferSelect;
  company: typeof propertyCompanies.$inferSelect;
  /** The month's lines, in id order. */
  lines: readonly (typeof ledgerLines.$inferSelect)[];
  /** Plan items with their year; those the lines name are kept, in id order. */
  items: readonly { id: number; year: number; category: string; title: string; budgetFen: number }[];
  version: number;
  reason: string | null;
  previousHash: string | null;
  publishedAt: Date;
  publishedBy: { subject: string; role: string };
}

/**
 * The canonical content of a version: everything a resident needs to check the month
 * without asking anyone: the balance, every line, the remuneration rule of the contract
 * and the plan items the money went to, and the hash of the version before. Built from rows
 * already at hand, with no I/O, so that a bulk load builds exactly what the service builds.
 */
export function buildContent(p: ContentParts) {
  const named = new Set(p.lines.map((l) => l.planItemId).filter((id): id is number => id !== null));
  const items = p.items.filter((it) => named.has(it.id)).sort((a, b) => a.id - b.id);
  const income = p.lines.filter((l) => l.kind === 'INCOME');
  const expense = p.lines.filter((l) => l.kind === 'EXPENSE');
  const feeIncomeFen = income.filter((l) => l.incomeCategory === 'PROPERTY_FEE').reduce((sum, l) => sum + l.amountFen, 0);
  const { compound, contract, company, row } = p;
  return {
    format: CONTENT_FORMAT,
    compound: { id: compound.id, name: compound.name, address: compound.address },
    month: p.month.label,
    version: p.version,
    correctionReason: p.reason,
    previousHash: p.previousHash,
    publishedAt: p.publishedAt.toISOString(),
    publishedBy: p.publishedBy,
    contract: {
      id: contract.id,
      company: { id: company.id, name: company.name, creditCode: company.creditCode },
      startsOn: contract.startsOn,
      endsOn: contract.endsOn,
      remuneration: {
        kind: contract.remunerationKind,
        basisPoints: contract.remunerationBasisPoints,
        monthly: contract.remunerationMonthlyFen === null ? null : money(contract.remunerationMonthlyFen),
        rounding: 'HALF_UP_TO_FEN',
        base: 'PROPERTY_FEE',
      },
    },
    balance: {
      opening: money(row.openingBalanceFen),
      income: money(row.incomeFen),
      feeIncome: money(feeIncomeFen),
      remuneration: money(row.remunerationFen),
      expenses: money(row.expensesFen),
      closing: money(row.closingBalanceFen),
    },
    incomeLines: income.map((l, i) => ({ line: i + 1, category: l.incomeCategory!, description: l.description, amount: money(l.amountFen) })),
    expenseLines: expense.map((l, i) => ({
      line: i + 1, category: l.expenseCategory!, planItemId: l.planItemId, description: l.description, amount: money(l.amountFen),
    })),
    planItems: items.map((it) => ({ id: it.id, year: it.year, category: it.category, title: it.title, budget: money(it.budgetFen) })),
  };
}

/** Loads what a version's content is built from, then builds it. */
export async function contentOf(
  tx: Tx, viewer: Viewer, compound: CompoundRow, month: Month, row: LedgerMonthRow,
  version: number, reason: string | null, previousHash: string | null, publishedAt: Date,
) {
  const [contract] = await tx.select().from(propertyContracts).where(eq(propertyContracts.id, row.contractId));
  const [company] = await tx.select().from(propertyCompanies).where(eq(propertyCompanies.id, contract.companyId));
  const lines = await tx.select().from(ledgerLines).where(eq(ledgerLines.ledgerMonthId, row.id)).orderBy(asc(ledgerLines.id));
  const itemIds = [...new Set(lines.map((l) => l.planItemId).filter((id): id is number => id !== null))];
  const items = itemIds.length === 0 ? [] : await tx
    .select({ id: planItems.id, category: planItems.category, title: planItems.title, budgetFen: planItems.budgetFen, year: annualPlans.year })
    .from(planItems).innerJoin(annualPlans, eq(annualPlans.id, planItems.planId))
    .where(inArray(planItems.id, itemIds));
  return buildContent({
    compound, month, row, contract, company, lines, items, version, reason, previousHash, publishedAt,
    publishedBy: { subject: viewer.subject!, role: viewer.role! },
  });
}

/** What a subscriber's filter and scope are matched against: the compound and its place in the city, and its companies. */
async function eventScopeOf(tx: Tx, compound: CompoundRow): Promise<EventScope> {
  const [grid] = await tx.select({ code: grids.code }).from(grids).where(eq(grids.id, compound.gridId));
  const companies = await tx.selectDistinct({ id: propertyContracts.companyId }).from(propertyContracts).where(eq(propertyContracts.compoundId, compound.id));
  return {
    districtId: compound.districtId,
    streetId: compound.streetId,
    communityId: compound.communityId,
    gridId: compound.gridId,
    gridCode: grid.code,
    compoundId: compound.id,
    companyIds: companies.map((c) => c.id).sort((a, b) => a - b),
  };
}

/**
 * Appends a version to the compound's chain: its content links to the compound's newest
 * version (any month), is hashed, inserted, and announced; the event is the transaction's
 * last write. The caller holds the compound's lock, so two publications cannot fork the chain.
 */
async function appendVersion(tx: Tx, viewer: Viewer, compound: CompoundRow, month: Month, row: LedgerMonthRow, version: number, reason: string | null) {
  const [latest] = await tx.select({ contentHash: disclosures.contentHash }).from(disclosures)
    .where(eq(disclosures.compoundId, compound.id)).orderBy(desc(disclosures.id)).limit(1);
  const previousHash = latest?.contentHash ?? null;
  const publishedAt = new Date();
  const content = await contentOf(tx, viewer, compound, month, row, version, reason, previousHash, publishedAt);
  const [inserted] = await tx.insert(disclosures).values({
    compoundId: compound.id, month: month.start, version, correctionReason: reason,
    content, contentHash: contentHashOf(content), previousHash, publishedBy: viewer.subject!, publishedAt,
  }).returning();
  await appendEvent(tx, {
    topic: DISCLOSURE_TOPIC,
    scope: await eventScopeOf(tx, compound),
    payload: { disclosure: inserted, actor: { subject: viewer.subject, role: viewer.role } },
  });
  return asDisclosure(inserted);
}

/**
 * 公示: the owners' committee of the compound publishes a month the company submitted. The
 * month is frozen (PUBLISHED: the company can no longer resubmit it) into version 1.
 * Months are published in order, so the balance a disclosure brings forward is itself public.
 */
export async function publishDisclosure(tx: Tx, viewer: Viewer, compoundId: string, monthText: string): Promise<DisclosureNode> {
  const compound = await lockCompound(tx, compoundId, ['compoundId']);
  assertCommitteeOf(viewer, compound, ['compoundId'], 'publish its ledger');
  const month = monthArgument(monthText, ['month']);
  const row = await monthRow(tx, compound.id, month.start);
  if (!row) refuse(['month'], UserErrorCode.NOT_FOUND, `The property company has not submitted the ledger of ${month.label} for ${compound.name}.`);
  if (row.status === 'PUBLISHED') {
    refuse(['month'], UserErrorCode.INVALID_TRANSITION, `The ledger of ${month.label} is already published; a change is a correction (disclosureCorrect), published as a new version.`);
  }
  const previous = await monthRow(tx, compound.id, previousMonth(month).start);
  if (previous?.status === 'DRAFT') {
    refuse(['month'], UserErrorCode.INVALID_TRANSITION, `Publish ${previousMonth(month).label} first: months are published in order, so every opening balance has been published.`);
  }
  const [frozen] = await tx.update(ledgerMonths).set({ status: 'PUBLISHED', updatedAt: new Date() }).where(eq(ledgerMonths.id, row.id)).returning();
  return appendVersion(tx, viewer, compound, month, frozen, 1, null);
}

/**
 * 更正: a new version of a published month, with a reason, through the same balance rule as
 * a submission. Earlier versions stay as they were; the ledger takes the corrected figures.
 */
export async function correctDisclosure(tx: Tx, viewer: Viewer, input: In.DisclosureCorrectInput): Promise<DisclosureNode> {
  const compound = await lockCompound(tx, input.compoundId, ['input', 'compoundId']);
  assertCommitteeOf(viewer, compound, ['input', 'compoundId'], 'correct its disclosures');
  const month = monthArgument(input.month, ['input', 'month']);
  const errors: UserError[] = [];
  const reason = checkText(input.reason, ['input', 'reason'], 'The reason for the correction (更正原因)', 500, errors);
  const row = await monthRow(tx, compound.id, month.start);
  if (!row) refuse(['input', 'month'], UserErrorCode.NOT_FOUND, `${compound.name} has no ledger of ${month.label}.`);
  if (row.status !== 'PUBLISHED') {
    refuse(['input', 'month'], UserErrorCode.INVALID_TRANSITION, `The ledger of ${month.label} is not published yet: the company resubmits the draft (ledgerMonthSubmit) and the committee publishes it.`);
  }
  const [contract] = await tx.select().from(propertyContracts).where(eq(propertyContracts.id, row.contractId));
  const prepared = await prepareLedger(tx, compound, month, contract, input, row, errors);
  const before = await tx.select().from(ledgerLines).where(eq(ledgerLines.ledgerMonthId, row.id)).orderBy(asc(ledgerLines.id));
  const same = before.length === prepared.lines.length && before.every((b, i) => {
    const p = prepared.lines[i];
    return b.kind === p.kind && b.incomeCategory === p.incomeCategory && b.expenseCategory === p.expenseCategory
      && b.planItemId === p.planItemId && b.description === p.description && b.amountFen === p.amountFen;
  });
  if (same) throw new UserErrors([{ field: ['input'], code: UserErrorCode.INVALID, message: 'The corrected ledger is the same as the published one; a correction changes a line.' }]);
  const saved = await saveLedger(tx, compound.id, month, prepared, 'PUBLISHED', row);
  const [last] = await tx.select({ version: disclosures.version }).from(disclosures)
    .where(and(eq(disclosures.compoundId, compound.id), eq(disclosures.month, month.start))).orderBy(desc(disclosures.version)).limit(1);
  return appendVersion(tx, viewer, compound, month, saved, (last?.version ?? 0) + 1, reason);
}

// Reads -------------------------------------------------------------------------------------

export function listDisclosures(ctx: Context, args: In.DisclosuresArgs) {
  const compoundId = compoundKeyOfArgument(args.compoundId);
  return paginate(ctx.db, {
    table: disclosures,
    where: and(eq(disclosures.compoundId, compoundId), disclosureScope(ctx.viewer), disclosureFilter(args.filter)),
    ordering: { column: disclosures.id, key: 'id', direction: OrderDirection.ASC },
    args,
    map: asDisclosure,
  });
}

export function disclosureFilter(filter: In.DisclosureFilter | undefined | null) {
  let month: Month | null = null;
  if (filter?.month) {
    month = parseMonth(filter.month);
    if (!month) throw badUserInput('filter.month is written YYYY-MM, e.g. "2026-10".', 'filter');
  }
  return and(
    month ? eq(disclosures.month, month.start) : undefined,
    filter?.latestOnly ? sql`not exists (select 1 from ${disclosures} d where d.compound_id = ${disclosures.compoundId} and d.month = ${disclosures.month} and d.version > ${disclosures.version})` : undefined,
  );
}

/**
 * 公示哈希链校验: recomputes every version's hash from its stored content and checks each
 * link, in publication order. Anyone who may read the compound's disclosures may run it;
 * null when the compound does not exist or the viewer may not read it.
 */
export async function verifyDisclosureChain(ctx: Context, compoundId: string, heldHash: string | null | undefined) {
  const key = compoundKeyOfArgument(compoundId);
  const [compound] = await ctx.db.select({ id: compounds.id }).from(compounds).where(and(eq(compounds.id, key), compoundScope(ctx.viewer)));
  if (!compound) return null;
  const rows = await ctx.db.select().from(disclosures).where(eq(disclosures.compoundId, key)).orderBy(asc(disclosures.id));
  const result = verifyChain(rows, heldHash?.trim().toLowerCase());
  const broken = result.firstBroken;
  return {
    valid: result.valid,
    versionsChecked: result.versionsChecked,
    headHash: result.headHash,
    firstBrokenLink: broken === null ? null : {
      disclosure: broken.index >= 0 ? asDisclosure(rows[broken.index]) : null,
      reason: broken.reason,
      detail: broken.detail,
    },
  };
}
