import { validate, type ValidationError } from 'class-validator';
import { Field, ObjectType, type ClassType } from 'type-graphql';
import type { Context } from '../context';
import type { Tx } from '../db/client';
import { inTransaction } from '../db/transaction';
import { UserError, UserErrorCode, UserErrors } from './errors';

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

/**
 * The one way a mutation runs: check the input's format, then do the work in one
 * transaction; a refusal (UserErrors) rolls everything back and becomes the payload.
 */
export async function runMutation<T>(
  ctx: Context,
  field: string,
  input: object | undefined,
  work: (tx: Tx) => Promise<T>,
): Promise<Record<string, unknown> & { userErrors: UserError[] }> {
  const formatErrors = await validateInput(input);
  if (formatErrors.length > 0) return { [field]: null, userErrors: formatErrors };
  try {
    const result = await inTransaction(ctx.db, work);
    return { [field]: result, userErrors: [] };
  } catch (error) {
    if (error instanceof UserErrors) return { [field]: null, userErrors: error.errors };
    throw error;
  }
}
