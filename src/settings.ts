/**
 * Rule figures a city sets (visit duty, daily points, appraisal and star-rating weights): one
 * row of `rule_settings` per rule set, read with its defaults filled in. Each module declares
 * its rule sets with `defineRules` and exposes them through its own typed query and mutation.
 */
import { eq } from 'drizzle-orm';
import type { Queryable, Tx } from './db/client';
import { ruleSettings } from './db/settings.tables';

export interface RuleSet<T extends object> {
  name: string;
  defaults: T;
}

export function defineRules<T extends object>(name: string, defaults: T): RuleSet<T> {
  return { name, defaults };
}

/** The rule set as the city set it, with the defaults for anything it never set. */
export async function readRules<T extends object>(db: Queryable, rules: RuleSet<T>): Promise<T & { updatedBy: string | null; updatedAt: Date | null }> {
  const [row] = await db.select().from(ruleSettings).where(eq(ruleSettings.name, rules.name));
  return { ...rules.defaults, ...(row?.value as Partial<T> | undefined), updatedBy: row?.updatedBy ?? null, updatedAt: row?.updatedAt ?? null };
}

/** Replaces the rule set; the caller has validated `value` (every field, as a whole). */
export async function writeRules<T extends object>(tx: Tx, rules: RuleSet<T>, value: T, subject: string): Promise<void> {
  const stored = value as unknown as Record<string, unknown>;
  await tx.insert(ruleSettings).values({ name: rules.name, value: stored, updatedBy: subject })
    .onConflictDoUpdate({ target: ruleSettings.name, set: { value: stored, updatedBy: subject, updatedAt: new Date() } });
}
