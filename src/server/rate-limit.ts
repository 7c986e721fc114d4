import { lt, sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Viewer } from '../auth/viewer';
import type { Db } from '../db/client';
import { rateLimitWindows } from '../db/rate-limit.tables';

const HOUR_MS = 3_600_000;

/** What an answered operation tells its caller about the budget (`extensions.rateLimit`). */
export interface RateLimitStatus {
  cost: number;
  remaining: number;
  limit: number;
  /** ISO time at which the hour's budget starts afresh. */
  resetAt: string;
}

export type Charge = { status: RateLimitStatus; refused: null } | { status: null; refused: GraphQLError };

/**
 * Who pays for an operation: the token's (or API key's) subject, else the caller's address,
 * so anonymous callers share nothing with each other and cannot spend a viewer's budget.
 */
export function callerKey(viewer: Viewer, remoteAddress: string | undefined): string {
  return viewer.subject !== null ? `sub:${viewer.subject}` : `ip:${remoteAddress ?? 'unknown'}`;
}

/**
 * The points an operation costs: one per started `costUnit` of its query cost (so a screen of
 * a few hundred fields is a few points, not hundreds), and a weight for each mutation root field.
 */
export function operationCharge(cost: number, mutationFields: number, mutationWeight: number, costUnit: number): number {
  return Math.ceil(cost / costUnit) + mutationFields * mutationWeight;
}

function windowOf(now: Date): { start: Date; reset: Date } {
  const start = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  return { start, reset: new Date(start.getTime() + HOUR_MS) };
}

function rateLimited(limit: number, cost: number, reset: Date, now: Date): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil((reset.getTime() - now.getTime()) / 1000));
  return new GraphQLError(
    `This operation costs ${cost} points and the budget of ${limit} points per hour does not cover it; it starts afresh at ${reset.toISOString()}.`,
    { extensions: { code: 'RATE_LIMITED', limit, cost, resetAt: reset.toISOString(), retryAfter } },
  );
}

/**
 * Cost-based rate limiting per caller per clock hour (限流), kept in PostgreSQL so that every
 * API process spends from the same budget. An operation the budget does not cover is refused
 * and charged nothing, so a caller near the end of its hour can still run cheaper ones.
 */
export class RateLimiter {
  /** `db` should not count statements: the charge is upkeep, not part of what an operation costs. */
  constructor(private readonly db: Db, readonly pointsPerHour: number) {}

  async charge(caller: string, cost: number, now = new Date()): Promise<Charge> {
    const { start, reset } = windowOf(now);
    if (cost > this.pointsPerHour) return { status: null, refused: rateLimited(this.pointsPerHour, cost, reset, now) };
    // One statement, atomic across processes: the row lock of the conflicting row serialises
    // concurrent charges, and the WHERE leaves the row as it was when the budget is spent.
    const [row] = await this.db
      .insert(rateLimitWindows)
      .values({ viewerKey: caller, windowStart: start, spent: cost })
      .onConflictDoUpdate({
        target: [rateLimitWindows.viewerKey, rateLimitWindows.windowStart],
        set: { spent: sql`${rateLimitWindows.spent} + excluded.spent` },
        setWhere: sql`${rateLimitWindows.spent} + excluded.spent <= ${this.pointsPerHour}`,
      })
      .returning({ spent: rateLimitWindows.spent });
    if (!row) return { status: null, refused: rateLimited(this.pointsPerHour, cost, reset, now) };
    return { status: { cost, remaining: this.pointsPerHour - row.spent, limit: this.pointsPerHour, resetAt: reset.toISOString() }, refused: null };
  }
}

/** Deletes hourly windows that ended more than an hour ago; they are never read again. */
export async function pruneRateLimitWindows(db: Db, now = new Date()): Promise<number> {
  const deleted = await db
    .delete(rateLimitWindows)
    .where(lt(rateLimitWindows.windowStart, new Date(now.getTime() - 2 * HOUR_MS)))
    .returning({ key: rateLimitWindows.viewerKey });
  return deleted.length;
}
