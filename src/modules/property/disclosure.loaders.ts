import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import { OrderDirection } from '../../graphql/connection';
import { byIdLoader, type ChildList } from '../../graphql/loaders';
import { nodeMapper } from '../../graphql/node';
import { maskPersonalNumbers } from '../grid/identity';
import { canonicalJson, contentHashOf } from './disclosure.chain';
import { fenToYuan } from './ledger.rules';
import type { ExpenseLine, IncomeLine } from './ledger.types';
import { compoundKeyScope } from './property.scope';
import { disclosures } from './property.tables';

export type DisclosureRow = typeof disclosures.$inferSelect;

type Json = Record<string, unknown>;

function objectAt(value: unknown, key: string): Json {
  const inner = value !== null && typeof value === 'object' ? (value as Json)[key] : undefined;
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Json) : {};
}

function arrayAt(value: unknown, key: string): Json[] {
  const inner = value !== null && typeof value === 'object' ? (value as Json)[key] : undefined;
  return Array.isArray(inner) ? inner.filter((x): x is Json => x !== null && typeof x === 'object') : [];
}

/** An amount of the published content, `{ fen, yuan }`, as yuan; a record that was tampered with still shows what it holds. */
function yuanOf(money: Json): string {
  if (typeof money.yuan === 'string') return money.yuan;
  return typeof money.fen === 'number' && Number.isSafeInteger(money.fen) ? fenToYuan(money.fen) : '0.00';
}

/** Codes that are not typed text and must stay as recorded: hashes (hex may hold a run of digits) and the credit code. */
const CODE_KEY = /Hash$|^creditCode$/;

/**
 * The content as served: every text in it masked as free text is (line descriptions, plan
 * items, the correction reason). The stored record, its hash and contentHashValid are of the
 * whole content; a served copy that held a number hashes differently.
 */
function servedContent(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return CODE_KEY.test(key) ? value : maskPersonalNumbers(value);
  if (Array.isArray(value)) return value.map((item) => servedContent(item));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, servedContent(v, k)]));
  return value;
}

/** The figures of a disclosure come from its frozen content, never from the ledger, which a later correction changes. */
export function asDisclosure(row: DisclosureRow) {
  const content = row.content;
  const balance = objectAt(content, 'balance');
  let canonicalContent: string;
  let contentHashValid: boolean;
  try {
    canonicalContent = canonicalJson(servedContent(content));
    contentHashValid = contentHashOf(content) === row.contentHash;
  } catch {
    canonicalContent = JSON.stringify(servedContent(content));
    contentHashValid = false;
  }
  const incomeLines: IncomeLine[] = arrayAt(content, 'incomeLines').map((l, i) => ({
    line: typeof l.line === 'number' ? l.line : i + 1,
    category: l.category as IncomeLine['category'],
    description: String(l.description ?? ''),
    amount: yuanOf(objectAt(l, 'amount')),
  }));
  const expenseLines: ExpenseLine[] = arrayAt(content, 'expenseLines').map((l, i) => ({
    line: typeof l.line === 'number' ? l.line : i + 1,
    category: l.category as ExpenseLine['category'],
    description: String(l.description ?? ''),
    amount: yuanOf(objectAt(l, 'amount')),
    planItemId: typeof l.planItemId === 'number' ? l.planItemId : null,
  }));
  return {
    ...nodeMapper<DisclosureRow>('Disclosure')(row),
    month: row.month.slice(0, 7),
    monthStart: row.month,
    openingBalance: yuanOf(objectAt(balance, 'opening')),
    income: yuanOf(objectAt(balance, 'income')),
    feeIncome: yuanOf(objectAt(balance, 'feeIncome')),
    remuneration: yuanOf(objectAt(balance, 'remuneration')),
    expenses: yuanOf(objectAt(balance, 'expenses')),
    closingBalance: yuanOf(objectAt(balance, 'closing')),
    incomeLines,
    expenseLines,
    canonicalContent,
    contentHashValid,
  };
}
export type DisclosureNode = ReturnType<typeof asDisclosure>;

/** A disclosure as an event recorded it (JSON in the outbox), with its date as a date again. */
export function disclosureFromSnapshot(snapshot: Json): DisclosureNode {
  return asDisclosure({ ...(snapshot as unknown as DisclosureRow), publishedAt: new Date(snapshot.publishedAt as string) });
}

/** Disclosures are public records of the compound: whoever may read its governance reads them, residents included. */
export function disclosureScope(viewer: Viewer): SQL {
  return compoundKeyScope(viewer, disclosures.compoundId);
}

export const disclosureById = (ctx: Context) => byIdLoader(ctx, 'Disclosure', disclosures, asDisclosure, disclosureScope(ctx.viewer));

/** Every version of many (compound, month) pairs, in one statement, oldest version first. */
export function versionsOfMonth(ctx: Context, compoundId: number, monthStart: string): Promise<DisclosureNode[]> {
  return ctx.loaders.get<string, DisclosureNode[]>('Disclosure.versionsOfMonth', async (keys) => {
    const pairs = keys.map((k) => {
      const [compound, month] = k.split('|');
      return sql`(${Number(compound)}, ${month}::date)`;
    });
    const rows = await ctx.db.select().from(disclosures)
      .where(and(sql`(${disclosures.compoundId}, ${disclosures.month}) in (${sql.join(pairs, sql`, `)})`, disclosureScope(ctx.viewer)))
      .orderBy(asc(disclosures.version));
    return keys.map((k) => rows.filter((r) => `${r.compoundId}|${r.month}` === k).map(asDisclosure));
  }).load(`${compoundId}|${monthStart}`);
}

/** `Compound.disclosures`: the versions under many compounds, one statement per level. */
export function disclosuresOfCompound(viewer: Viewer, where?: SQL): ChildList<DisclosureRow, DisclosureNode> {
  return {
    name: 'Compound.disclosures',
    table: disclosures,
    parentColumn: disclosures.compoundId,
    parentKey: 'compoundId',
    ordering: { column: disclosures.id, key: 'id', direction: OrderDirection.ASC },
    map: asDisclosure,
    where: and(disclosureScope(viewer), where),
  };
}
