import { asc } from 'drizzle-orm';
import { Role } from '../../auth/roles';
import { ALL_TOPICS } from '../../auth/topics';
import type { Tx } from '../../db/client';
import { streets } from '../grid/grid.tables';
import { DEMO_API_KEY, DEMO_API_KEY_HASH, prefixOf } from './integrator.keys';
import { insertApiKey } from './integrator.store';

/** One integrator key with a published secret (DEMO_API_KEY) on the first street, every topic: the demo street's big screen. */
export async function seedIntegrators(tx: Tx): Promise<Record<string, number>> {
  const [street] = await tx.select({ id: streets.id }).from(streets).orderBy(asc(streets.id)).limit(1);
  if (!street) return { apiKeys: 0 };
  await insertApiKey(tx, {
    name: '演示街道大屏 (demo street screen)',
    unit: { type: 'Street', key: street.id },
    topics: ALL_TOPICS,
    expiresAt: null,
    createdBy: { subject: 'demo-city-admin', role: Role.CITY_ADMIN },
  }, { key: DEMO_API_KEY, prefix: prefixOf(DEMO_API_KEY)!, hash: DEMO_API_KEY_HASH });
  return { apiKeys: 1 };
}
