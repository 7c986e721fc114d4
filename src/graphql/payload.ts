import { validate, type ValidationError } from 'class-validator';
import { Field, ObjectType, type ClassType } from 'type-graphql';
import type { Context } from '../context';
import type { Tx } from '../db/client';
import { and, eq } from 'drizzle-orm';
import { idempotencyKeys } from '../db/idempotency.tables';
import { inTransaction } from '../db/transaction';
import { AuditOutcome, refusedWith, verdictOfError } from '../modules/audit/audit.outcome';
import { inputDigest } from '../modules/audit/audit.digest';
import { argumentsDigest, recordAfterRollback, recordInTransaction } from '../modules/audit/audit.service';
import { refuse, UserError, UserErrorCode, UserErrors } from './errors';

/** `XPayload { x: X, userErrors: [UserError!]! }` (API.md). */
export function Payload<T extends object>(nodeType: ClassType<T>, field: string, name: string) {
  @ObjectType(`${name}Payload`, { description: `Result of a mutation on a ${name}: the ${name} when it succeeded, else user errors.`, simpleResolvers: true })
  class PayloadType {
    @Field(() => nodeType, { name: field, nullable: true, description: `The ${name} after the mutation; null when there are user errors.` })
    node!: T | null;

    @Field(() => [UserError], { description: 'Why the input was refused; empty on success. Nothing is written when there are any.' })
    userErrors!: UserError[];
  }
  return PayloadType;
}

function flatten(errors: ValidationError[], path: string[]): UserError[] {
  return errors.flatMap((e) => {
    const field = [...path, e.property];
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message,
      code: e.constraints?.isNotEmpty || e.constraints?.isDefined ? UserErrorCode.REQUIRED : UserErrorCode.INVALID,
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Format rules of an input object (class-validator), as user errors under `path`. */
export async function validateInput(input: object | undefined, path = ['input']): Promise<UserError[]> {
  if (!input) return [];
  // Absent optional fields are not checked: GraphQL already enforces the required ones.
  return flatten(await validate(input, { forbidUnknownValues: false, skipMissingProperties: true, validationError: { target: false } }), path);
}

export interface Idempotency {
  /**
   * The client's key, one per caller across operations: a repeat of the same request returns
   * the first result and changes nothing; another request with it is refused (IDEMPOTENCY_KEY_REUSED).
   */
  key: string | null | undefined;
  /** Names the operation; with the digest of the field's arguments, it is what the key is bound to. */
  operation: string;
  /** Loads the result of the first request again, by its global ID. */
  reload: (id: string) => Promise<unknown>;
}

const MAX_KEY_LENGTH = 200;

/**
 * Whether a repeat is the request that claimed the key: the same operation with the same
 * arguments. A key claimed before arguments were kept (no digest) matches its operation only.
 */
function isSameRequest(first: typeof idempotencyKeys.$inferSelect, operation: string, requestDigest: string): boolean {
  return first.requestDigest === null ? first.operation === operation : first.requestDigest === requestDigest;
}

/**
 * The one way a mutation runs: check the input's format, then do the work in one
 * transaction; a refusal (UserErrors) rolls everything back and becomes the payload. With an
 * idempotency key, the key is claimed in the same transaction, so a repeat — even a
 * concurrent one — waits for the first and then answers its result, or refuses when the key
 * was claimed by another request. The audit row (OK, REPEATED) is written in the same
 * transaction, so a committed change always has one; REFUSED and ERROR rows are written
 * after the rollback.
 */
export async function runMutation<T extends { id: string }>(
  ctx: Context,
  field: string,
  input: object | undefined,
  work: (tx: Tx) => Promise<T>,
  idempotency?: Idempotency,
): Promise<Record<string, unknown> & { userErrors: UserError[] }> {
  const formatErrors = await validateInput(input);
  const key = idempotency?.key;
  if (key !== undefined && key !== null && (key.length === 0 || key.length > MAX_KEY_LENGTH)) {
    formatErrors.push({ field: ['idempotencyKey'], code: UserErrorCode.INVALID, message: `An idempotency key has 1 to ${MAX_KEY_LENGTH} characters.` });
  }
  if (formatErrors.length > 0) {
    await recordAfterRollback(ctx, refusedWith(formatErrors));
    return { [field]: null, userErrors: formatErrors };
  }
  try {
    const outcome = await inTransaction(ctx.db, async (tx) => {
      if (idempotency && key) {
        const subject = ctx.viewer.subject ?? 'anonymous';
        const requestDigest = inputDigest({ operation: idempotency.operation, arguments: argumentsDigest(ctx) });
        const thisKey = and(eq(idempotencyKeys.subject, subject), eq(idempotencyKeys.key, key));
        const claimed = await tx.insert(idempotencyKeys).values({ subject, key, operation: idempotency.operation, requestDigest }).onConflictDoNothing().returning();
        if (claimed.length === 0) {
          const [first] = await tx.select().from(idempotencyKeys).where(thisKey);
          if (!isSameRequest(first, idempotency.operation, requestDigest)) {
            refuse(['idempotencyKey'], UserErrorCode.IDEMPOTENCY_KEY_REUSED,
              'This idempotency key was already used for another request (another operation or other input). Make a new key for each new request.');
          }
          await recordInTransaction(tx, ctx, { outcome: AuditOutcome.REPEATED, codes: [] });
          return { repeatOf: first.result?.id ?? null };
        }
        const result = await work(tx);
        await tx.update(idempotencyKeys).set({ result: { id: result.id } }).where(thisKey);
        await recordInTransaction(tx, ctx, { outcome: AuditOutcome.OK, codes: [] });
        return { result };
      }
      const result = await work(tx);
      await recordInTransaction(tx, ctx, { outcome: AuditOutcome.OK, codes: [] });
      return { result };
    });
    if ('repeatOf' in outcome) {
      return { [field]: outcome.repeatOf ? await idempotency!.reload(outcome.repeatOf) : null, userErrors: [] };
    }
    return { [field]: outcome.result, userErrors: [] };
  } catch (error) {
    await recordAfterRollback(ctx, verdictOfError(error));
    if (error instanceof UserErrors) return { [field]: null, userErrors: error.errors };
    throw error;
  }
}
