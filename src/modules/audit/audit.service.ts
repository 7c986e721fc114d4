import { and, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
  defaultFieldResolver, getArgumentValues, getOperationAST, getVariableValues, Kind,
  type DocumentNode, type FieldNode, type GraphQLError, type GraphQLSchema, type SelectionSetNode,
} from 'graphql';
import type { Viewer } from '../../auth/viewer';
import type { Context } from '../../context';
import type { Queryable, Tx } from '../../db/client';
import { OrderDirection, paginate, type ForwardPageArgs } from '../../graphql/connection';
import { badUserInput, forbidden } from '../../graphql/errors';
import { fromGlobalId, toGlobalId } from '../../graphql/ids';
import { logger } from '../../logger';
import { partyMembers } from '../party/party.tables';
import { residents } from '../grid/grid.tables';
import { incidents } from '../incident/incident.tables';
import { householdVisits } from '../visit/visit.tables';
import { wishes } from '../wish/wish.tables';
import { auditLog, personalDataReads } from './audit.tables';
import { inputDigest } from './audit.digest';
import { verdictOfError, verdictOfPayload, verdictOfRequestError, type AuditOutcome, type AuditVerdict } from './audit.outcome';
import type { PersonalDataSubject } from './personal-data';

export type AuditEntryRow = typeof auditLog.$inferSelect;
export type PersonalDataReadRow = typeof personalDataReads.$inferSelect;
export const asPersonalDataRead = (row: PersonalDataReadRow) => ({ ...row, subjectId: toGlobalId(row.subjectType, row.subjectKey) });
export type PersonalDataReadNode = ReturnType<typeof asPersonalDataRead>;

/** The audit row a mutation owes, from the moment its resolver starts until it is written. */
interface PendingEntry {
  operation: string;
  inputDigest: string;
  written: boolean;
}

/** Root mutation fields run one after another, so a context has at most one pending entry. */
const pending = new WeakMap<Context, PendingEntry>();

function actorOf(viewer: Viewer) {
  return {
    actorSubject: viewer.subject,
    actorRole: viewer.role,
    actorUnit: viewer.unit ? toGlobalId(viewer.unit.type, viewer.unit.key) : null,
  };
}

async function insertEntry(db: Queryable, viewer: Viewer, operation: string, digest: string, verdict: AuditVerdict): Promise<void> {
  await db.insert(auditLog).values({ ...actorOf(viewer), operation, inputDigest: digest, outcome: verdict.outcome, codes: verdict.codes });
}

/**
 * Written after a rollback or a refusal: the audit row must not hide the fault that brought
 * it here, so its own failure (the database being down) is only logged.
 */
async function insertEntryAfterFailure(db: Queryable, viewer: Viewer, operation: string, digest: string, verdict: AuditVerdict): Promise<void> {
  try {
    await insertEntry(db, viewer, operation, digest, verdict);
  } catch (error) {
    logger.warn({ err: error, operation, outcome: verdict.outcome }, 'audit row not written');
  }
}

/** runMutation, inside the mutation's transaction: the change and its audit row commit together. */
export async function recordInTransaction(tx: Tx, ctx: Context, verdict: AuditVerdict): Promise<void> {
  const entry = pending.get(ctx);
  if (!entry) return;
  await insertEntry(tx, ctx.viewer, entry.operation, entry.inputDigest, verdict);
  entry.written = true;
}

/** runMutation, after its transaction rolled back (user errors or a fault): whatever it wrote is gone. */
export async function recordAfterRollback(ctx: Context, verdict: AuditVerdict): Promise<void> {
  const entry = pending.get(ctx);
  if (!entry) return;
  entry.written = true;
  await insertEntryAfterFailure(ctx.db, ctx.viewer, entry.operation, entry.inputDigest, verdict);
}

/**
 * The digest of the arguments of the write under way, as its audit row keeps it: what an
 * idempotency key is bound to, so that the key cannot answer a request with other arguments.
 */
export function argumentsDigest(ctx: Context): string {
  const entry = pending.get(ctx);
  if (!entry) throw new Error('An idempotent write runs inside audited(), which knows its arguments.');
  return entry.inputDigest;
}

/**
 * Wraps every root Mutation field once, after the schema is built: the wrapper knows the
 * field and its coerced arguments (variables resolved), opens the pending entry that
 * runMutation writes, and writes it itself when the resolver ended without runMutation
 * doing so (a fault before it ran, or a mutation that does not use it).
 */
export function auditMutations(schema: GraphQLSchema): void {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const field of Object.values(fields)) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const operation = `Mutation.${field.name}`;
    field.resolve = (source, args: Record<string, unknown>, ctx: Context, info) =>
      audited(ctx, operation, args, async () => resolve(source, args, ctx, info));
  }
}

/**
 * Runs one write with its audit row owed, as the Mutation wrapper above does; for writes that
 * come in through a plain HTTP route (Open311 filing, ledger upload), named `<Route>.<action>`.
 * `verdictOf` reads an answer that is not a GraphQL payload with `userErrors`.
 */
export async function audited<T>(
  ctx: Context, operation: string, args: Record<string, unknown>, run: () => Promise<T>, verdictOf: (answer: T) => AuditVerdict = verdictOfPayload,
): Promise<T> {
  const entry: PendingEntry = { operation, inputDigest: inputDigest(args), written: false };
  pending.set(ctx, entry);
  try {
    const payload = await run();
    if (!entry.written) await insertEntry(ctx.db, ctx.viewer, operation, entry.inputDigest, verdictOf(payload));
    return payload;
  } catch (error) {
    if (!entry.written) await insertEntryAfterFailure(ctx.db, ctx.viewer, operation, entry.inputDigest, verdictOfError(error));
    throw error;
  } finally {
    pending.delete(ctx);
  }
}

/** An operation that the admission gate refused before anything ran. */
export interface RefusedOperation {
  schema: GraphQLSchema;
  document: DocumentNode;
  viewer: Viewer;
  variables: Record<string, unknown> | null | undefined;
  operationName: string | null | undefined;
}

/** Root fields of the selected operation, through fragments, each once per occurrence. */
function rootFieldNodes(selectionSet: SelectionSetNode, document: DocumentNode, seen = new Set<string>()): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNodes(selection.selectionSet, document, seen);
    const name = selection.name.value;
    if (seen.has(name)) return [];
    seen.add(name);
    const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
    return fragment && fragment.kind === Kind.FRAGMENT_DEFINITION ? rootFieldNodes(fragment.selectionSet, document, seen) : [];
  });
}

/** The arguments as the resolver would have had them; as sent when they do not coerce. */
function argumentsOf(refused: RefusedOperation, node: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const definition = refused.schema.getMutationType()?.getFields()[node.name.value];
  if (definition) {
    try {
      return getArgumentValues(definition, node, variables);
    } catch {
      // Arguments that do not coerce are kept by their variables, below.
    }
  }
  return { arguments: (node.arguments ?? []).map((a) => a.name.value), variables: refused.variables ?? {} };
}

/**
 * One audit row per root mutation field of an operation refused at the gate (access check,
 * limits, rate limit), with the refusal's code. Queries and subscriptions leave no row.
 */
export async function auditRefusedOperation(db: Queryable, refused: RefusedOperation, refusal: GraphQLError): Promise<void> {
  const operation = getOperationAST(refused.document, refused.operationName ?? undefined);
  if (!operation || operation.operation !== 'mutation') return;
  const coerced = getVariableValues(refused.schema, operation.variableDefinitions ?? [], refused.variables ?? {});
  const variables = coerced.coerced ?? refused.variables ?? {};
  const code = typeof refusal.extensions?.code === 'string' ? refusal.extensions.code : 'FORBIDDEN';
  const verdict = verdictOfRequestError(code);
  for (const node of rootFieldNodes(operation.selectionSet, refused.document)) {
    if (node.name.value.startsWith('__')) continue;
    await insertEntryAfterFailure(db, refused.viewer, `Mutation.${node.name.value}`, inputDigest(argumentsOf(refused, node, variables)), verdict);
  }
}

export interface AuditEntryFilter {
  actorSubject?: string | null;
  operation?: string | null;
  outcome?: AuditOutcome | null;
  from?: Date | null;
  to?: Date | null;
}

export interface PersonalDataReadFilter {
  subjectId?: string | null;
  viewerSubject?: string | null;
  from?: Date | null;
  to?: Date | null;
}

const NEWEST_FIRST = OrderDirection.DESC;

/** A district auditor's view of the audit log would need every actor's unit placed in a district; the log is city-wide. */
function assertCityWide(viewer: Viewer, what: string): void {
  if (viewer.unit !== null) throw forbidden(`${what} is read by city-wide auditors; a district auditor reads the personal-data reads of its district.`);
}

/** The audit log, newest first (审计日志查询). */
export function listAuditEntries(ctx: Context, args: ForwardPageArgs & { filter?: AuditEntryFilter | null }) {
  assertCityWide(ctx.viewer, 'The audit log');
  const f = args.filter ?? {};
  const where = and(
    f.actorSubject ? eq(auditLog.actorSubject, f.actorSubject) : undefined,
    f.operation ? eq(auditLog.operation, f.operation) : undefined,
    f.outcome ? eq(auditLog.outcome, f.outcome) : undefined,
    f.from ? gte(auditLog.occurredAt, f.from) : undefined,
    f.to ? lt(auditLog.occurredAt, f.to) : undefined,
  );
  return paginate<AuditEntryRow, AuditEntryRow>(ctx.db, {
    table: auditLog, where, args, map: (row) => row, ordering: { column: auditLog.id, key: 'id', direction: NEWEST_FIRST },
  });
}

const SUBJECT_TYPES: readonly PersonalDataSubject[] = ['Resident', 'PartyMember', 'ReportingUnit', 'Incident', 'Wish', 'HouseholdVisit'];

/**
 * Reads in a district: of residents and party members placed there, and of the free text of
 * its incidents, wishes and visits. Reporting units belong to no district, so only city-wide
 * auditors see their reads.
 */
function readsInDistrict(districtKey: number): SQL {
  const placed = (subjectType: PersonalDataSubject, table: PgTable & { id: PgColumn; districtId: PgColumn }) =>
    and(eq(personalDataReads.subjectType, subjectType), inArray(personalDataReads.subjectKey, sql`(select ${table.id} from ${table} where ${table.districtId} = ${districtKey})`));
  return or(
    placed('Resident', residents),
    placed('PartyMember', partyMembers),
    placed('Incident', incidents),
    placed('Wish', wishes),
    placed('HouseholdVisit', householdVisits),
  )!;
}

/** The access log of whole personal data (个人信息查阅记录), newest first. */
export function listPersonalDataReads(ctx: Context, args: ForwardPageArgs & { filter?: PersonalDataReadFilter | null }) {
  const f = args.filter ?? {};
  const unit = ctx.viewer.unit;
  if (unit !== null && unit.type !== 'District') throw forbidden('Personal-data reads are read by auditors of the city or of a district.');
  let subject: SQL | undefined;
  if (f.subjectId) {
    const decoded = fromGlobalId(f.subjectId, SUBJECT_TYPES);
    if (!decoded) throw badUserInput(`filter.subjectId must be the ID of a ${SUBJECT_TYPES.join(', ')}.`, 'filter');
    subject = and(eq(personalDataReads.subjectType, decoded.type), eq(personalDataReads.subjectKey, decoded.key));
  }
  const where = and(
    unit ? readsInDistrict(unit.key) : undefined,
    subject,
    f.viewerSubject ? eq(personalDataReads.viewerSubject, f.viewerSubject) : undefined,
    f.from ? gte(personalDataReads.readAt, f.from) : undefined,
    f.to ? lt(personalDataReads.readAt, f.to) : undefined,
  );
  return paginate<PersonalDataReadRow, PersonalDataReadNode>(ctx.db, {
    table: personalDataReads, where, args, map: asPersonalDataRead, ordering: { column: personalDataReads.id, key: 'id', direction: NEWEST_FIRST },
  });
}
