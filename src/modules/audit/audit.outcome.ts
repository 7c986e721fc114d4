import { GraphQLError } from 'graphql';
import { registerEnumType } from 'type-graphql';
import { UserErrors, type UserError } from '../../graphql/errors';

/** What became of a mutation, as the audit log keeps it. */
export enum AuditOutcome {
  OK = 'OK',
  REPEATED = 'REPEATED',
  REFUSED = 'REFUSED',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  REJECTED = 'REJECTED',
  ERROR = 'ERROR',
}

registerEnumType(AuditOutcome, {
  name: 'AuditOutcome',
  description: 'What became of a mutation (审计结果).',
  valuesConfig: {
    OK: { description: 'It ran and its change was committed.' },
    REPEATED: { description: 'A repeat with an idempotency key already used: the first result was answered, nothing changed.' },
    REFUSED: { description: 'It ran and refused its input with user errors; nothing changed. `codes` holds the user-error codes.' },
    FORBIDDEN: { description: 'The role may not use it; refused before anything ran.' },
    UNAUTHENTICATED: { description: 'It needs a token and had none; refused before anything ran.' },
    REJECTED: { description: 'Refused before anything ran for another reason (query limits, rate limit, malformed arguments); `codes` says which.' },
    ERROR: { description: 'An internal fault; the transaction was rolled back.' },
  },
});

export interface AuditVerdict {
  outcome: AuditOutcome;
  codes: string[];
}

export function refusedWith(errors: readonly UserError[]): AuditVerdict {
  return { outcome: AuditOutcome.REFUSED, codes: [...new Set(errors.map((e) => e.code))] };
}

/** A request error keeps its code: UNAUTHENTICATED and FORBIDDEN as such, other codes as REJECTED. */
export function verdictOfRequestError(code: string): AuditVerdict {
  if (code === AuditOutcome.UNAUTHENTICATED || code === AuditOutcome.FORBIDDEN) return { outcome: code, codes: [code] };
  if (code === 'INTERNAL_SERVER_ERROR') return { outcome: AuditOutcome.ERROR, codes: [code] };
  return { outcome: AuditOutcome.REJECTED, codes: [code] };
}

/** How a thrown error ends a mutation. */
export function verdictOfError(error: unknown): AuditVerdict {
  if (error instanceof UserErrors) return refusedWith(error.errors);
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  if (typeof code === 'string') return verdictOfRequestError(code);
  return { outcome: AuditOutcome.ERROR, codes: ['INTERNAL_SERVER_ERROR'] };
}

/** How a payload that no runMutation recorded ends a mutation. */
export function verdictOfPayload(payload: unknown): AuditVerdict {
  const userErrors = (payload as { userErrors?: UserError[] } | null)?.userErrors;
  return userErrors && userErrors.length > 0 ? refusedWith(userErrors) : { outcome: AuditOutcome.OK, codes: [] };
}
