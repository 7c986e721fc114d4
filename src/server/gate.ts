import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { checkAccess } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import type { Config } from '../config';
import type { Database } from '../db/client';
import { checkLimits, checkTokens, measureOperation, type QueryLimits } from '../graphql/limits';
import { auditRefusedOperation } from '../modules/audit/audit.service';
import { AllowList } from './persisted-queries';
import { operationCharge, RateLimiter, type RateLimitStatus } from './rate-limit';

/** One operation on its way in, over HTTP or WebSocket. */
export interface Admission {
  schema: GraphQLSchema;
  document: DocumentNode;
  viewer: Viewer;
  variables: Record<string, unknown> | undefined;
  operationName: string | null | undefined;
  /** Who pays for it (rate-limit.ts `callerKey`). */
  caller: string;
}

/** The gate's answer: the refusal, or what the admitted operation spent of its caller's budget. */
export interface Verdict {
  refused: GraphQLError | null;
  /** Null when rate limiting is off or the operation was refused before it was charged. */
  rateLimit: RateLimitStatus | null;
}

export function persistedQueryNotFound(): GraphQLError {
  return new GraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
}

export function persistedQueryNotAllowed(): GraphQLError {
  return new GraphQLError('Only published operations run on this server, and this one is not on its allow-list.', {
    extensions: { code: 'PERSISTED_QUERY_NOT_ALLOWED' },
  });
}

/**
 * Everything an operation must pass before any resolver or SQL runs, in the same order over
 * HTTP and WebSocket: first its text (allow-list, tokens), then, parsed and validated, its
 * shape (limits), its viewer (access) and its caller's budget (rate limit).
 */
export class Gate {
  readonly limits: QueryLimits;
  /** The published operations, in allow-list mode. */
  readonly allowList: AllowList | null;
  private readonly rateLimiter: RateLimiter | null;

  constructor(private readonly config: Config, private readonly database: Database) {
    this.limits = { maxDepth: config.queryMaxDepth, maxCost: config.queryMaxCost, maxAliases: config.queryMaxAliases, maxTokens: config.queryMaxTokens };
    this.allowList = config.persistedQueries === 'allowlist' ? AllowList.fromFile(config.persistedQueriesFile!) : null;
    this.rateLimiter = config.rateLimitPointsPerHour > 0 ? new RateLimiter(database.housekeeping, config.rateLimitPointsPerHour) : null;
  }

  /**
   * The text of an operation sent over WebSocket, by text or by `extensions.persistedQuery`
   * hash. Only an allow-list knows operations by hash there: automatic persisted queries
   * live in Apollo's HTTP cache, so a client sends the text after PERSISTED_QUERY_NOT_FOUND.
   */
  sourceOf(query: string, extensions: Record<string, unknown> | null | undefined): string | GraphQLError {
    if (query !== '') return query;
    const persisted = extensions?.persistedQuery as { sha256Hash?: unknown } | undefined;
    const hash = typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
    return (hash !== undefined ? this.allowList?.bodyOf(hash) : undefined) ?? persistedQueryNotFound();
  }

  /** The checks on the text itself, before it is parsed. */
  admitSource(source: string): GraphQLError | null {
    if (this.allowList && !this.allowList.lists(source)) return persistedQueryNotAllowed();
    return checkTokens(source, this.limits);
  }

  /**
   * The checks on the parsed, validated operation; charges the caller's budget when all pass.
   * A refused mutation leaves its audit rows, whichever transport brought it.
   */
  async admit(admission: Admission): Promise<Verdict> {
    const verdict = await this.verdictOn(admission);
    if (verdict.refused) await auditRefusedOperation(this.database.db, admission, verdict.refused);
    return verdict;
  }

  private async verdictOn(admission: Admission): Promise<Verdict> {
    const measure = measureOperation(admission.schema, admission.document, admission.operationName, admission.variables);
    const tooComplex = measure ? checkLimits(measure, this.limits) : null;
    if (tooComplex) return { refused: tooComplex, rateLimit: null };
    const forbidden = checkAccess(admission.schema, admission.document, admission.viewer);
    if (forbidden) return { refused: forbidden, rateLimit: null };
    if (!this.rateLimiter || !measure) return { refused: null, rateLimit: null };
    const charge = await this.rateLimiter.charge(
      admission.caller, operationCharge(measure.cost, measure.mutationFields, this.config.rateLimitMutationWeight, this.config.rateLimitCostUnit),
    );
    return { refused: charge.refused, rateLimit: charge.status };
  }
}
