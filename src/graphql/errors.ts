import { GraphQLError } from 'graphql';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { fromGlobalId } from './ids';
import { FreeText } from './free-text';

export enum UserErrorCode {
  INVALID = 'INVALID',
  REQUIRED = 'REQUIRED',
  NOT_FOUND = 'NOT_FOUND',
  DUPLICATE = 'DUPLICATE',
  OUT_OF_SCOPE = 'OUT_OF_SCOPE',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  STALE_VERSION = 'STALE_VERSION',
  INSUFFICIENT_BALANCE = 'INSUFFICIENT_BALANCE',
  CAPACITY_REACHED = 'CAPACITY_REACHED',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
}

registerEnumType(UserErrorCode, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input. The data is unchanged whenever a payload carries any.',
  valuesConfig: {
    INVALID: { description: 'The value is malformed or breaks a rule (check digit, polygon, format).' },
    REQUIRED: { description: 'A value that must be given is missing or blank.' },
    NOT_FOUND: { description: 'The referenced object does not exist, or the viewer may not see it.' },
    DUPLICATE: { description: 'The value must be unique and is already taken.' },
    OUT_OF_SCOPE: { description: 'The object lies outside the part of the city the viewer may change.' },
    INVALID_TRANSITION: { description: 'The object is not in a state that allows this action.' },
    STALE_VERSION: { description: 'The object changed since the version the client read.' },
    INSUFFICIENT_BALANCE: { description: 'The love-bank balance does not cover the points or hours this would take.' },
    CAPACITY_REACHED: { description: 'No place is left: the activity is full or the item is out of stock.' },
    IDEMPOTENCY_KEY_REUSED: { description: 'The idempotency key was already used by this caller for another operation or other arguments; make a new key for a new request.' },
  },
});

@ObjectType({ description: 'A business or validation failure of a mutation, naming the input field it concerns.', simpleResolvers: true })
export class UserError {
  @Field(() => [String], { nullable: true, description: 'Path to the input field, e.g. ["input", "idCardNumber"]; null when it concerns the whole input.' })
  field!: string[] | null;

  @FreeText()
  @Field(() => String, { description: 'A sentence for the person who typed the input.' })
  message!: string;

  @Field(() => UserErrorCode, { description: 'Kind of failure, for the client to react to without parsing the message.' })
  code!: UserErrorCode;
}

export function userError(field: string[] | null, code: UserErrorCode, message: string): UserError {
  return { field, code, message };
}

/** Thrown by a service to refuse a mutation; the transaction rolls back and the payload carries the errors. */
export class UserErrors extends Error {
  constructor(readonly errors: UserError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}

export function refuse(field: string[] | null, code: UserErrorCode, message: string): never {
  throw new UserErrors([userError(field, code, message)]);
}

/**
 * Optimistic concurrency: refuses STALE_VERSION when the client acted on a version of the
 * object it read (`expectedVersion`) that is no longer the current one.
 */
export function assertVersion(expected: number | null | undefined, current: number, what: string): void {
  if (expected !== undefined && expected !== null && expected !== current) {
    refuse(['expectedVersion'], UserErrorCode.STALE_VERSION, `The ${what} changed: it is at version ${current}, not ${expected}. Reload it and decide again.`);
  }
}

/** The key of an ID argument; an ID of the wrong type or of nothing is NOT_FOUND on that field. */
export function keyOf(id: string, type: string, field: string[]): number {
  const decoded = fromGlobalId(id, type);
  if (!decoded) refuse(field, UserErrorCode.NOT_FOUND, `No ${type.toLowerCase()} has this ID.`);
  return decoded.key;
}

/**
 * The key of an ID in a query's argument or filter. Queries have no userErrors, so an ID of
 * the wrong type or of nothing is a malformed argument: BAD_USER_INPUT naming where it was.
 */
export function argumentKey(id: string, type: string, where: string): number {
  const decoded = fromGlobalId(id, type);
  if (!decoded) throw badUserInput(`${where} must be the ID of a ${type.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase()}.`, where.split('.')[0]);
  return decoded.key;
}

/** Faults of the request itself (API.md): top-level `errors` with a code. */
export function unauthenticated(message = 'A valid token is required.'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** A malformed argument; `field` is the path to the input field inside it, e.g. ["filter", "nameContains"]. */
export function badUserInput(message: string, argument?: string, field?: string[]): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argumentName: argument } : {}), ...(field ? { field } : {}) } });
}
