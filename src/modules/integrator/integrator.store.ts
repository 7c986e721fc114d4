// Storing keys, free of GraphQL types: the seed runs it before any schema exists.
import type { Role } from '../../auth/roles';
import type { ApiKeyTopic } from '../../auth/topics';
import type { Unit } from '../../auth/viewer';
import type { Queryable } from '../../db/client';
import { generateApiKey } from './integrator.keys';
import { apiKeys } from './integrator.tables';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function subjectOfKey(id: number): string {
  return `apikey:${id}`;
}

export interface KeyToInsert {
  name: string;
  unit: Unit | null;
  topics: readonly ApiKeyTopic[];
  expiresAt: Date | null;
  createdBy: { subject: string; role: Role };
}

/** Stores a new key's hash and returns the key itself, which is never stored nor shown again. */
export async function insertApiKey(db: Queryable, key: KeyToInsert, generated = generateApiKey()): Promise<{ row: ApiKeyRow; secret: string }> {
  const [row] = await db.insert(apiKeys).values({
    name: key.name,
    prefix: generated.prefix,
    secretHash: generated.hash,
    unitType: key.unit?.type ?? null,
    unitKey: key.unit?.key ?? null,
    topics: [...new Set(key.topics)],
    createdBySubject: key.createdBy.subject,
    createdByRole: key.createdBy.role,
    expiresAt: key.expiresAt,
  }).returning();
  return { row, secret: generated.key };
}
